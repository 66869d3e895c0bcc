"""The zero-shot protocol over seeded seen/unseen splits: tune on validation
classes, test on the unseen classes, report mean +- std.

    python tools/zeroshot/zsl_protocol.py --features FEATURES.npz \
        --splits splits/zsl/aid/aid_25-5_seed0.json [...] \
        --embeddings glove minilm --methods eszsl devise mcfa \
        [--mcfa-config configs/mcfa/mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py] \
        [--work-dir work_dirs/zsl_protocol] [--out results.jsonl] [--plot-dir DIR] \
        [--record configs/mcfa/results.jsonl]

    # DSVA (images through its backbone; the class matrix is the attribute file)
    python tools/zeroshot/zsl_protocol.py --methods dsva \
        --dsva-config configs/dsva/dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24.py \
        --splits splits/zsl/aid/aid_25-5_seed0.json [...] \
        --embeddings work_dirs/dsva/attributes/aid150_rs-visual-attributes.npy \
        [--stage {all,val,test}] [--resume] [--record configs/dsva/results.jsonl]

For every split file and class embedding, each method is

1. tuned on the split's VALIDATION classes only (``val_train``: training images
   of ``seen - val_unseen``; ``val_test``: held-out images of those classes +
   the training images of ``val_unseen``): ESZSL's (gamma, lambda) and DeViSE's
   (lr, margin) and MCFA's (Adam lr, contrastive temperature) by a grid
   (DeViSE's and MCFA's: 4 settings each, the same search budget; each grid
   holds the authors' setting), choosing the best ZSL accuracy on
   ``val_unseen``; then, for every method, the calibrated-stacking factor by
   the best H on ``val_test`` (``choose_calibration``) of the chosen setting.
   ``--mcfa-no-grid`` keeps the MCFA config's settings (the authors' code's,
   see ``configs/mcfa/README.md``): only the calibration factor is chosen;
2. trained on the split's ``train`` images and evaluated on ``test``
   (held-out seen-class images + all unseen-class images): ZSL per-class top-1
   over the unseen classes, GZSL S / U / H with the validation's calibration
   factor, H without calibration (gamma = 0) and AUSUC.

The unseen test classes' images and labels are never used before step 2's
evaluation. ``--stage val`` runs step 1 only and ``--stage test`` step 2 only, with
the setting and calibration factor read back from the latest validation record
of the same model and split in ``--record`` (MCFA and DSVA, whose Runner runs
are long: a DSVA `_30e` run is ~52 min on 2 CPU cores, so a split can run in two
pieces); ``--stage all`` (the default) runs both in one call. ``--resume``
(DSVA) continues a run stopped between its checkpoints (every 5 epochs in the
``_30e`` configs) from the latest one, bit for bit on CPU, so a run can also
be cut into pieces; its record's ``wall_s`` sums the pieces' (the iterations
redone after the checkpoint included) and ``train`` says how many there were.
MCFA's ZSL top-1
comes from its separate ZSL classifier (unseen classes only,
``MCFA.zsl_logits``), its GZSL figures from the all-class one.

With ``--record FILE``, every run appends a results record
(:mod:`rszoo.utils.records`; ``shared/results-records.md``): the validation run
(``eval_split='val'``: metrics on ``val_test`` with the calibration factor chosen
there) and the test run (``eval_split='test'``) of each (split, embedding, method),
with flat numeric metrics (``zsl/top1``, ``gzsl/seen``, ``gzsl/unseen``,
``gzsl/H``, ``gzsl/H_gamma0``, ``gzsl/ausuc``, the factor ``gzsl/gamma`` and, for
the linear baselines, the chosen ``params/<name>``), ``method``, ``train`` (the
training subset, features and class vectors) and, for the validation run,
``variant``. ``model`` is the config's name (with the class-vector name swapped
in when ``--embeddings`` names another provider than the config's, e.g.
``..._minilm_...``) or ``<method>_<embedding>`` for the linear baselines, which
have no config (``config`` is then this tool and ``cfg_sha256`` hashes their
settings). Class attributes from a file whose ``.meta.json`` names its source
(``tools/zeroshot/annotate_attributes.py``) put that source into ``train``; the
text-only fallback also suffixes ``model`` with ``_text-only-attributes``, so a
fallback run is never the DSVA config's figure. A record is a figure's only source.

One JSON line per (split, embedding, method) goes to ``--out`` (unchanged);
a markdown table of mean +- sample std over the splits is printed at the end.
With ``--plot-dir``, each (split, embedding) gets ``<split>_<embedding>_ausuc.png``:
every method's seen-unseen accuracy curve on the test split (U on the x-axis,
S on the y-axis, AUSUC in the legend, a dot at the calibrated operating point;
:func:`rszoo.visualization.plot_seen_unseen_curves`).
DSVA runs through mmengine's Runner with ``--dsva-config`` (``class_subset``
``'val'`` for the validation run, ``'test'`` for the test run; its scores are
the model's ``pred_score`` on the subset's images, calibration 0).
MCFA runs through mmengine's Runner with ``--mcfa-config`` (its
``FitZSLClassifierHook`` fits the latent classifier).
"""
import argparse
import copy
import itertools
import json
import os
import os.path as osp
import re
import statistics
import time

import numpy as np
import torch

from rszoo.utils import apply_stack_fixes

apply_stack_fixes()  # B10: before rszoo.models imports mmpretrain.models

from rszoo.datasets.zeroshot import ClassSplit, ZSLFeatureDataset  # noqa: E402
from rszoo.evaluation.functional import (ausuc, choose_calibration,  # noqa: E402
                                         gzsl_accuracies, zsl_accuracy)
from rszoo.models.classifiers import ESZSL, DeViSELinear  # noqa: E402
from rszoo.models.class_embeddings import class_matrix  # noqa: E402
from rszoo.models.class_embeddings.attribute_annotation import TEXT_ONLY_SOURCE  # noqa: E402
from rszoo.models.classifiers.dsva import attribute_source  # noqa: E402
from rszoo.utils import register_all_modules  # noqa: E402
from rszoo.utils.records import append_record, argv_of, make_record  # noqa: E402
from rszoo.utils.train_summary import log_wall_s, run_sessions  # noqa: E402
from rszoo.visualization import plot_seen_unseen_curves, save_figure  # noqa: E402

EMBEDDINGS = {
    'glove': dict(type='GloVeEmbedding'),
    'minilm': dict(type='SentenceEmbedding', template='a satellite image of {}.'),
}
ESZSL_GRID = dict(gamma=[10.**k for k in range(-3, 4)], lambd=[10.**k for k in range(-3, 4)])
DEVISE_GRID = dict(lr=[1e-3, 1e-2], margin=[0.1, 1.0])
#: MCFA's grid (the authors' Adam lr 1.5e-4 and temperature 2.0 among 4 settings, the same
#: budget as DeViSE's) and the config key each name sets
MCFA_GRID = dict(lr=[1.5e-4, 5e-4], temperature=[2.0, 0.5])
MCFA_GRID_KEYS = dict(lr='optim_wrapper.optimizer.lr', temperature='model.contrastive.temperature')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='ZSL / GZSL protocol over seeded splits')
    parser.add_argument('--features', help='features .npz (ESZSL, DeViSE, MCFA)')
    parser.add_argument('--splits', nargs='+', required=True)
    parser.add_argument('--embeddings', nargs='+', default=['glove'],
                        help=f'names in {sorted(EMBEDDINGS)} or class matrix files '
                        '(.npy/.mat/.csv, see class_matrix)')
    parser.add_argument('--methods', nargs='+', default=['eszsl', 'devise', 'mcfa'])
    parser.add_argument('--mcfa-config', default='configs/mcfa/'
                        'mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py')
    parser.add_argument('--mcfa-no-grid', action='store_true',
                        help="MCFA with its config's settings only (no grid on the validation "
                        'classes; the calibration factor is still chosen there)')
    parser.add_argument('--dsva-config', default='configs/dsva/'
                        'dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24.py')
    parser.add_argument('--work-dir', default='work_dirs/zsl_protocol')
    parser.add_argument('--cache-dir', default='work_dirs/class_embeddings')
    parser.add_argument('--out', help='append JSON lines here')
    parser.add_argument('--record', help='append a results record (rszoo.utils.records) per '
                        'run here: the validation run (eval_split val) and the test run '
                        '(eval_split test) of every split, embedding and method')
    parser.add_argument('--plot-dir', help='draw the seen-unseen accuracy curves (PNG per '
                        'split and embedding) into this folder')
    parser.add_argument('--stage', choices=STAGES, default='all',
                        help='val: the validation runs only (the grid and the calibration '
                        'factor; their record carries the choice); test: the test run only, '
                        'with the choice of the latest validation record of the same model '
                        'and split in --record; all: both (mcfa and dsva only; default all)')
    parser.add_argument('--resume', action='store_true',
                        help="dsva: continue a run whose work dir holds a checkpoint from "
                        "its latest one (mmengine's resume, bit for bit on CPU) instead of "
                        'training it again: a long run cut into pieces; its record sums '
                        "the pieces' wall times and says how many there were")
    args = parser.parse_args(argv)
    if not args.features and set(args.methods) & {'eszsl', 'devise', 'mcfa'}:
        parser.error('--features is required for eszsl, devise and mcfa')
    if args.stage != 'all':
        if not args.record:
            parser.error(f'--stage {args.stage} needs --record: the validation record '
                         'carries the chosen setting and calibration factor to the test run')
        linear = sorted(set(args.methods) - {'mcfa', 'dsva'})
        if linear:
            parser.error(f'--stage {args.stage} is for the Runner methods mcfa and dsva; '
                         f'run {linear} with --stage all (they take seconds)')
    return args


def embedding_matrix(name, split, cache_dir):
    """A named provider of ``EMBEDDINGS`` (cached in ``cache_dir``) or a matrix file."""
    source = name if name not in EMBEDDINGS else dict(EMBEDDINGS[name], cache_dir=cache_dir)
    return class_matrix(source, split.classes, owner='zsl_protocol')[0]


def load(features, split_file, subset):
    data = ZSLFeatureDataset(features, split_file, subset=subset)
    return (torch.from_numpy(data.features), torch.from_numpy(data.labels),
            data.metainfo['seen_indices'], data.metainfo['unseen_indices'])


def evaluate(scores, labels, seen, unseen, gamma, zsl_scores=None):
    """The metrics of one run; ``'curve'`` holds the seen-unseen curve of
    :func:`ausuc` (``main`` takes it out of the row: drawn, not written).
    ``zsl_scores`` (N, C), when given, are a separate ZSL classifier's scores
    (MCFA): the ZSL top-1 is read from them, the GZSL metrics from ``scores``."""
    scores = scores.double().numpy()
    labels = labels.numpy()
    zsl = scores if zsl_scores is None else zsl_scores.double().numpy()
    calibrated = gzsl_accuracies(scores, labels, seen, unseen, gamma)
    plain = gzsl_accuracies(scores, labels, seen, unseen, 0.)
    unseen_mask = np.isin(labels, unseen)
    area, curve = ausuc(scores, labels, seen, unseen)
    return {'zsl/top1': zsl_accuracy(zsl[unseen_mask], labels[unseen_mask], unseen),
            'gzsl/seen': calibrated['seen'], 'gzsl/unseen': calibrated['unseen'],
            'gzsl/H': calibrated['H'], 'gzsl/H_gamma0': plain['H'],
            'gzsl/ausuc': area, 'gamma': gamma, 'curve': curve}


def l2(x):
    return torch.nn.functional.normalize(x.double(), dim=1)


def run_info(eval_split, metrics, cfg, config, train_subset, test_subset, wall_s,
             selected_on='last', sessions=1):
    """What :func:`write_record` needs of one run (a Runner run or a linear fit;
    ``sessions``: the pieces a resumed Runner run was trained in)."""
    return dict(eval_split=eval_split, metrics=metrics, cfg=cfg, config=config,
                train_subset=train_subset, test_subset=test_subset, wall_s=wall_s,
                selected_on=selected_on, sessions=sessions)


def run_linear(method, features, split_file, emb):
    """ESZSL / DeViSE: grid on the validation classes, calibration on
    validation, refit on train, evaluate on test. Returns the test row and
    the two runs (validation with the chosen setting, test)."""
    from mmengine.config import Config
    start = time.perf_counter()
    vx, vy, vseen, vunseen = load(features, split_file, 'val_train')
    tx, ty, _, _ = load(features, split_file, 'val_test')
    grid = ESZSL_GRID if method == 'eszsl' else DEVISE_GRID
    build = (lambda **kw: ESZSL(**kw)) if method == 'eszsl' else \
        (lambda **kw: DeViSELinear(epochs=30, **kw))
    best = None
    val_unseen = np.isin(ty.numpy(), vunseen)
    for values in itertools.product(*grid.values()):
        params = dict(zip(grid, values))
        scores = build(**params).fit(l2(vx), vy, emb, vseen).scores(l2(tx), emb).double()
        acc = zsl_accuracy(scores.numpy()[val_unseen], ty.numpy()[val_unseen], vunseen)
        if best is None or acc > best[0]:
            best = (acc, params, scores)
    _, params, val_scores = best
    gamma, _ = choose_calibration(val_scores.numpy(), ty.numpy(), vseen, vunseen)
    val_row = evaluate(val_scores, ty, vseen, vunseen, gamma)
    val_row.pop('curve')
    val_row['params'] = params
    settings = dict(method=method, grid=grid, features=features, class_split=split_file,
                    l2_normalised_features=True, seed=0)
    if method == 'devise':
        settings['epochs'] = 30
    cfg = Config(dict(settings, params=params))
    val_wall = time.perf_counter() - start
    start = time.perf_counter()
    x, y, seen, _ = load(features, split_file, 'train')
    ex, ey, seen, unseen = load(features, split_file, 'test')
    model = build(**params).fit(l2(x), y, emb, seen)
    row = evaluate(model.scores(l2(ex), emb), ey, seen, unseen, gamma)
    row['params'] = params
    runs = [run_info('val', val_row, Config(dict(settings, grid_search=True)), None,
                     'val_train', 'val_test', val_wall, selected_on='val'),
            run_info('test', row, cfg, None, 'train', 'test', time.perf_counter() - start,
                     selected_on='val')]
    return row, runs


def runner_for(config, work_dir, name, split_file, class_subset, train_subset, test_subset,
               model_updates, dataset_updates, with_val=True, options=None, resume=False):
    """A Runner of ``config`` on one split: the model's ``class_split`` and
    ``class_subset``, the train data set's subset ``train_subset`` and the
    val/test data sets' ``test_subset`` (plus ``model_updates`` /
    ``dataset_updates``, and ``options``: ``{'a.b.c': value}`` merged as
    ``--cfg-options`` are). ``with_val=False`` drops the Runner's own
    validation, where the config has one (the caller scores the test subset
    itself). ``resume=True`` continues from the latest checkpoint of the work
    dir (mmengine's ``resume``)."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(config)
    if options:
        cfg.merge_from_dict(options)
    cfg.work_dir = osp.join(work_dir, name)
    cfg.experiment_name = name
    cfg.model.update(class_split=split_file, class_subset=class_subset, **model_updates)
    for key, subset in (('train_dataloader', train_subset), ('val_dataloader', test_subset),
                        ('test_dataloader', test_subset)):
        if cfg.get(key) is not None:  # the zoo's ZSL configs have no validation loop
            cfg[key].dataset.update(class_split=split_file, subset=subset, **dataset_updates)
    if not with_val:
        cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.resume = bool(resume)
    return Runner.from_cfg(cfg)


def validation_zsl_accuracy(result):
    """ZSL top-1 over the validation-unseen classes of a validation run's
    ``result`` (its separate ZSL classifier's scores where it has one)."""
    scores = result.get('zsl_scores', result['scores']).double().numpy()
    labels = result['labels'].numpy()
    mask = np.isin(labels, result['unseen'])
    return zsl_accuracy(scores[mask], labels[mask], result['unseen'])


def validate_then_test(run, config, grid=None, stage='all', chosen=None):
    """A Runner method's protocol: ``run(train_subset, test_subset,
    class_subset, options)`` -> ``dict(scores, labels, seen, unseen, cfg[,
    zsl_scores])``. With ``grid`` (``{name: (config key, values)}``) one
    validation run per setting, the best ZSL accuracy on the validation-unseen
    classes chosen (the first on ties); without, one validation run of the
    config. The chosen validation run picks the calibration factor (best H on
    ``val_test``); the test run, with the chosen setting, is evaluated with
    it. Returns the test row and both runs (the rows carry ``params`` when a
    grid chose them). ``stage='val'``: the validation part only (returns its
    row, with the curve, and its run); ``stage='test'``: the test run only,
    with ``chosen = (gamma, params or None)`` (:func:`chosen_on_validation`)."""
    if stage == 'test':
        gamma, params = chosen
        options = params and {grid[name][0]: value for name, value in params.items()}
        return _test_run(run, config, gamma, params, options, [])
    runs = []
    start = time.perf_counter()
    settings = [None] if not grid else [
        dict(zip(grid, values)) for values in itertools.product(*(v for _, v in grid.values()))]
    best = None
    for params in settings:
        options = params and {grid[name][0]: value for name, value in params.items()}
        val = run('val_train', 'val_test', 'val', options)
        acc = validation_zsl_accuracy(val) if grid else 0.
        if best is None or acc > best[0]:
            best = (acc, params, options, val)
    _, params, options, val = best
    gamma, _ = choose_calibration(val['scores'].numpy(), val['labels'].numpy(), val['seen'],
                                  val['unseen'])
    val_row = evaluate(val['scores'], val['labels'], val['seen'], val['unseen'], gamma,
                       val.get('zsl_scores'))
    curve = val_row.pop('curve')
    selected_on = 'last' if params is None else 'val'
    if params is not None:
        val_row['params'] = params
    runs.append(run_info('val', val_row, val['cfg'], config, 'val_train', 'val_test',
                         time.perf_counter() - start + val.get('earlier_wall_s', 0.),
                         selected_on=selected_on, sessions=val.get('sessions', 1)))
    if stage == 'val':
        return dict(val_row, curve=curve), runs
    return _test_run(run, config, gamma, params, options, runs)


def _test_run(run, config, gamma, params, options, runs):
    """The test run of :func:`validate_then_test` with the chosen setting
    (``options``: config keys; ``params``: their names) and factor ``gamma``."""
    selected_on = 'last' if params is None else 'val'
    start = time.perf_counter()
    test = run('train', 'test', 'test', options)
    row = evaluate(test['scores'], test['labels'], test['seen'], test['unseen'], gamma,
                   test.get('zsl_scores'))
    if params is not None:
        row['params'] = params
    metrics = dict(row)
    metrics.pop('curve')
    runs.append(run_info('test', metrics, test['cfg'], config, 'train', 'test',
                         time.perf_counter() - start + test.get('earlier_wall_s', 0.),
                         selected_on=selected_on, sessions=test.get('sessions', 1)))
    return row, runs


def run_mcfa(config, features, split_file, emb_file, work_dir, grid=True, stage='all',
             chosen=None):
    """MCFA through the Runner (its ``FitZSLClassifierHook`` fits the feature
    scaler and both latent classifiers); GZSL scores from the all-class
    classifier, ZSL scores from the unseen-only one. ``grid``: tune
    :data:`MCFA_GRID` on the validation classes (``False``: the config's
    settings); ``stage``, ``chosen``: :func:`validate_then_test`."""
    def scores_of(runner, subset):
        x, y, seen, unseen = load(features, split_file, subset)
        model = runner.model
        model.eval()
        with torch.no_grad():
            # probabilities: classes outside the subset get 0 (their logits are -inf)
            return dict(scores=model(x, mode='tensor').softmax(dim=1).double(),
                        zsl_scores=model.zsl_logits(x).softmax(dim=1).double(),
                        labels=y, seen=seen, unseen=unseen, cfg=runner.cfg)

    def run(train_subset, test_subset, class_subset, options=None):
        name = class_subset if not options else class_subset + ''.join(
            f'_{key.rsplit(".", 1)[-1]}{value:g}' for key, value in options.items())
        runner = runner_for(config, work_dir, name, split_file, class_subset,
                            train_subset, test_subset, dict(class_embedding=emb_file),
                            dict(features=features), options=options)
        runner.train()
        return scores_of(runner, test_subset)

    grid = {name: (MCFA_GRID_KEYS[name], values) for name, values in MCFA_GRID.items()} \
        if grid or (chosen and chosen[1]) else None
    return validate_then_test(run, config, grid, stage, chosen)


def runner_scores(runner):
    """``(pred_score (N, C), labels (N,), seen, unseen)`` of the Runner's model
    on its test data set (the model's ``test_step``, in eval mode)."""
    loader = runner.build_dataloader(runner.cfg.test_dataloader)
    model = runner.model
    model.eval()
    scores, labels = [], []
    with torch.no_grad():
        for batch in loader:
            for sample in model.test_step(batch):
                scores.append(sample.pred_score.double().cpu())
                labels.append(int(sample.gt_label))
    meta = loader.dataset.metainfo
    return (torch.stack(scores), torch.tensor(labels), list(meta['seen_indices']),
            list(meta['unseen_indices']))


def run_dsva(config, split_file, emb_file, work_dir, stage='all', chosen=None,
             resume=False):
    """DSVA: a validation run (``class_subset='val'``) picks the calibration
    factor on ``val_test``; the test run trains on ``train`` and scores
    ``test`` (``stage``, ``chosen``: :func:`validate_then_test`). ``resume``:
    a run whose work dir holds a checkpoint continues from it; the earlier
    pieces' wall time (:func:`rszoo.utils.train_summary.run_sessions`) is
    added to the run's."""
    def run(train_subset, test_subset, class_subset, options=None):
        run_dir = osp.join(work_dir, class_subset)
        resuming = resume and osp.isfile(osp.join(run_dir, 'last_checkpoint'))
        runner = runner_for(config, work_dir, class_subset, split_file, class_subset,
                            train_subset, test_subset,
                            dict(class_attributes=emb_file, calibration_gamma=0.), {},
                            with_val=False, resume=resuming)
        runner.train()
        scores, labels, seen, unseen = runner_scores(runner)
        cfg = copy.deepcopy(runner.cfg)
        cfg.resume = False  # the record's config is the run's, however many pieces
        out = dict(scores=scores, labels=labels, seen=seen, unseen=unseen, cfg=cfg)
        if resuming:
            pieces = run_sessions(run_dir)
            out['sessions'] = len(pieces)
            out['earlier_wall_s'] = sum(log_wall_s(session) for session, _ in pieces[:-1])
        return out

    return validate_then_test(run, config, stage=stage, chosen=chosen)


# -- records -------------------------------------------------------------------
#: --stage: both parts of the protocol, the validation part only, the test run only
STAGES = ('all', 'val', 'test')
METRIC_KEYS = ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/H_gamma0', 'gzsl/ausuc')
#: the ``model`` suffix of a run whose class attributes are the text-only fallback
#: (their ``.meta.json`` says so), so it never stands as the config's figure
TEXT_ONLY_SUFFIX = '_text-only-attributes'
VALIDATION_VARIANT = ('validation classes (val_train -> val_test); the calibration factor '
                      'and any hyper-parameters were chosen here')


def model_name(method, config, emb_name):
    """The record's ``model``: the config's name, with the class-vector
    provider swapped in when ``emb_name`` names another one than the config's
    (``..._glove_...`` run with ``--embeddings minilm`` is ``..._minilm_...``);
    ``<method>_<embedding>`` without a config (the linear baselines)."""
    emb_tag = emb_name if emb_name in EMBEDDINGS else \
        osp.splitext(osp.basename(emb_name))[0]
    if config is None:
        return f'{method}_{emb_tag}'
    stem = osp.splitext(osp.basename(config))[0]
    if emb_name in EMBEDDINGS:
        for other in EMBEDDINGS:
            if other != emb_name and f'_{other}_' in stem:
                return stem.replace(f'_{other}_', f'_{emb_name}_')
    return stem


def record_model(method, config, emb_name):
    """The record's ``model`` (:func:`model_name`), suffixed with
    :data:`TEXT_ONLY_SUFFIX` when the class vectors are the text-only fallback."""
    model = model_name(method, config, emb_name)
    return model + TEXT_ONLY_SUFFIX if vectors_source(emb_name) == TEXT_ONLY_SOURCE else model


def vectors_source(emb_name):
    """The ``source`` of a class-vector file's ``.meta.json`` (None for a named
    provider or a file without one)."""
    return attribute_source(emb_name) if emb_name not in EMBEDDINGS else None


def chosen_on_validation(record_path, model, split_file):
    """``(gamma, params or None)``: the calibration factor and the grid's choice
    (``params/<name>``) of the latest validation record of ``model`` on
    ``split_file`` in ``record_path`` (what ``--stage test`` runs with)."""
    from rszoo.utils.records import read_records
    found = None
    if osp.isfile(record_path):
        for row in read_records(record_path, model=model):
            if row.get('eval_split') == 'val' and \
                    str((row.get('split') or {}).get('train', '')).startswith(f'{split_file} ('):
                found = row
    if found is None:
        raise SystemExit(f'zsl_protocol --stage test: {record_path} holds no validation record '
                         f'of {model} on {split_file}; run --stage val first')
    metrics = found['metrics']
    params = {k[len('params/'):]: v for k, v in metrics.items() if k.startswith('params/')}
    return float(metrics['gzsl/gamma']), params or None


def record_metrics(row):
    """Flat numeric metrics of a row: the accuracies, the calibration factor
    and the chosen hyper-parameters (``params/<name>``)."""
    metrics = {k: float(row[k]) for k in METRIC_KEYS if k in row}
    metrics['gzsl/gamma'] = float(row['gamma'])
    for key, value in (row.get('params') or {}).items():
        metrics[f'params/{key}'] = float(value)
    return metrics


def write_record(path, info, method, split_file, split, emb_name, features, argv):
    """Append one run's record (:func:`rszoo.utils.records.make_record`)."""
    config = info['config'] or osp.abspath(__file__)
    cfg = info['cfg']
    seed = (cfg.get('randomness') or {}).get('seed', cfg.get('seed'))
    found = re.findall(r'seed(\d+)', osp.basename(split_file))
    if found and int(found[-1]) != seed:
        seed = {'train': seed, 'split': int(found[-1])}
    source = vectors_source(emb_name)
    train = (f"subset '{info['train_subset']}' of {split_file}; features "
             f'{features or "(images, see the config)"}; class vectors {emb_name}'
             + (f' (source: {source})' if source else '')
             + (f"; trained in {info['sessions']} pieces (--resume), wall_s summed over "
                'them' if info.get('sessions', 1) > 1 else ''))
    extra = dict(method=method, train=train)
    if info['eval_split'] == 'val':
        extra['variant'] = VALIDATION_VARIANT
    # the text-only fallback is not the paper's image-based annotation: never the
    # config's headline figure (record_model)
    record = make_record(model=record_model(method, info['config'], emb_name), config=config,
                         cfg=cfg, metrics=record_metrics(info['metrics']),
                         eval_split=info['eval_split'], selected_on=info['selected_on'],
                         wall_s=info['wall_s'], argv=argv, extra=extra)
    record['dataset'] = split.dataset
    record['split'] = {'train': f"{split_file} ({info['train_subset']})",
                       info['eval_split']: f"{split_file} ({info['test_subset']})"}
    record['seed'] = seed
    append_record(path, record)
    return record


def summary(rows):
    keys = list(METRIC_KEYS)
    lines = ['| method | embedding | splits | ' + ' | '.join(keys) + ' |',
             '|---|---|---:|' + '---:|' * len(keys)]
    groups = {}
    for r in rows:
        groups.setdefault((r['method'], r['embedding']), []).append(r)
    for (method, emb), group in groups.items():
        cells = []
        for k in keys:
            values = [g[k] for g in group]
            std = statistics.stdev(values) if len(values) > 1 else float('nan')
            cells.append(f'{statistics.fmean(values):.1f} ± {std:.1f}')
        lines.append(f'| {method} | {emb} | {len(group)} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def plot_curves(rows, curves, out_file, title):
    """The seen-unseen curves of one (split, embedding), one line per method."""
    fig = plot_seen_unseen_curves(
        {r['method']: (r['gzsl/ausuc'], c) for r, c in zip(rows, curves)},
        operating_points={r['method']: (r['gzsl/unseen'], r['gzsl/seen']) for r in rows},
        title=title)
    return save_figure(fig, out_file)


def main(argv=None):
    args = parse_args(argv)
    command = argv_of(argv)
    register_all_modules()
    torch.manual_seed(0)
    rows = []
    for split_file in args.splits:
        split = ClassSplit.from_file(split_file)
        for emb_name in args.embeddings:
            matrix = embedding_matrix(emb_name, split, args.cache_dir)
            emb = torch.from_numpy(matrix).double()
            tag = f'{osp.splitext(osp.basename(split_file))[0]}_{osp.basename(emb_name)}'
            emb_file = osp.join(args.work_dir, tag, 'class_embedding.npy')
            os.makedirs(osp.dirname(emb_file), exist_ok=True)
            np.save(emb_file, matrix)
            group, curves = [], []
            for method in args.methods:
                start = time.perf_counter()
                config = {'dsva': args.dsva_config, 'mcfa': args.mcfa_config}.get(method)
                chosen = None if args.stage != 'test' else chosen_on_validation(
                    args.record, record_model(method, config, emb_name), split_file)
                if method == 'dsva':
                    row, runs = run_dsva(config, split_file, emb_file,
                                         osp.join(args.work_dir, tag, 'dsva'), args.stage, chosen,
                                         args.resume)
                elif method == 'mcfa':
                    row, runs = run_mcfa(config, args.features, split_file, emb_file,
                                         osp.join(args.work_dir, tag, 'mcfa'),
                                         not args.mcfa_no_grid, args.stage, chosen)
                else:
                    row, runs = run_linear(method, args.features, split_file, emb)
                if args.record:
                    for info in runs:
                        write_record(args.record, info, method, split_file, split, emb_name,
                                     args.features if method != 'dsva' else None, command)
                curves.append(row.pop('curve'))
                row.update(method=method, embedding=emb_name, split=split_file,
                           features=args.features, wall_s=round(time.perf_counter() - start, 1))
                if args.stage != 'all':
                    row['stage'] = args.stage
                group.append(row)
                print(json.dumps(row), flush=True)
                rows.append(row)
                if args.out:
                    with open(args.out, 'a', encoding='utf-8') as f:
                        f.write(json.dumps(row) + '\n')
            if args.plot_dir and group:
                png = plot_curves(group, curves, osp.join(args.plot_dir, f'{tag}_ausuc.png'),
                                  f'{osp.basename(split_file)}, {osp.basename(emb_name)}: test')
                print(f'seen-unseen curves saved to {png}', flush=True)
    print(summary(rows))
    return rows


if __name__ == '__main__':
    main()
