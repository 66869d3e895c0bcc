"""Per-scene hyperspectral anomaly detection protocol: RX and STAD on every
scene of ``had-abu-hydice-sandiego``, one results record per detector and scene.

    python tools/analysis/had_protocol.py [--scenes S ...] [--rx-only]
        [--work-dir work_dirs/had_protocol] [--out configs/stad/results.jsonl]
    python tools/analysis/had_protocol.py --table   # rewrite the README table

For each scene (the held-out fold):

1. **RX** (``configs/stad/rx_had-abu-hydice-sandiego.py``): ``Runner.test()`` on
   the scene; nothing is trained.
2. **STAD**, leave-one-scene-out: a ``Runner`` trains the teacher
   (``configs/stad/stad-teacher_c50_16px_1xb8_had-loso.py``) on crops of the *other*
   scenes with synthetic targets (their ``map`` is never read), a second
   ``Runner`` distils it into the conv student
   (``configs/stad/stad-student_c50_16px_1xb8_had-loso.py``), then ``Runner.test()``
   scores the held-out scene with the last (EMA) weights. Nothing is selected on
   any anomaly map. The same student is also scored with the small target
   filter on its own input bands (the authors' ``stf``), as a second record.

Records (``rszoo.utils.records``): ``model`` = the metafile model name,
``method`` = the detector (``RX``, ``STAD``, ``STAD (STF on inputs)``),
``scene`` = the scene (the file stem), ``split`` = ``{"train": ..., "test":
<scene>}``, ``eval_split`` = ``test``, ``metrics`` = ``auc_df`` (sklearn
ROC-AUC), ``auc_ftau``,
the 30,000-threshold values, ``infer_s`` (detection time) and, for STAD,
``train_s``; ``wall_s`` = the detector's whole time on that scene (training
included). Detection maps go to ``<work-dir>/maps/<model>/<scene>.npy``.
``--table`` writes the per-scene table and the means (over the 13 scenes the
STAD authors also ran, and over all 14) into ``configs/stad/README.md`` and the
13-scene means into the ``Results`` of ``configs/stad/metafile.yml``.
"""
import argparse
import copy
import glob
import os.path as osp
import time


from rszoo.fileio import REPO_ROOT, atomic_write_bytes, data_root
from rszoo.utils.metafile_results import SCENE_SETS

CFG_DIR = osp.join(REPO_ROOT, 'configs', 'stad')
RX_CONFIG = osp.join(CFG_DIR, 'rx_had-abu-hydice-sandiego.py')
TEACHER_CONFIG = osp.join(CFG_DIR, 'stad-teacher_c50_16px_1xb8_had-loso.py')
STUDENT_CONFIG = osp.join(CFG_DIR, 'stad-student_c50_16px_1xb8_had-loso.py')
RX_MODEL = 'rx_had-abu-hydice-sandiego'
STAD_MODEL = 'stad_c50_16px_had-loso'
STAD_INPUT_STF_MODEL = 'stad_c50_16px_had-loso_stf-on-inputs'
#: the ``method`` field of each model's records
METHODS = {RX_MODEL: 'RX', STAD_MODEL: 'STAD', STAD_INPUT_STF_MODEL: 'STAD (STF on inputs)'}
DATASET = 'had-abu-hydice-sandiego'
#: the scenes the STAD authors also ran (data/read.py of their repo); hydice is extra
AUTHORS_SCENES = SCENE_SETS[DATASET]
#: the authors' logged AUC(D,F) on their copies (data/read.py:6-34): (STAD, RX)
AUTHORS_LOG = {
    'abu-airport-1': (.8805, .8623), 'abu-airport-2': (.9513, .9101),
    'abu-airport-3': (.9712, .9483), 'abu-airport-4': (.9005, .8971),
    'abu-beach-1': (.9749, .9656), 'abu-beach-2': (.8791, .8933),
    'abu-beach-3': (.9934, .9857), 'abu-urban-1': (.9927, .9932),
    'abu-urban-2': (.9984, .9971), 'abu-urban-3': (.9619, .9578),
    'abu-urban-4': (.9888, .9818), 'abu-urban-5': (.9680, .9441),
    'sandiego': (.9823, .9597)}
TABLE_START, TABLE_END = '<!-- had-table:start -->', '<!-- had-table:end -->'


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--scenes', nargs='+', help='scene stems (default: all 14)')
    p.add_argument('--rx-only', action='store_true', help='run only RX')
    p.add_argument('--work-dir', default='work_dirs/had_protocol')
    p.add_argument('--out', default='configs/stad/results.jsonl', help='records file')
    p.add_argument('--epochs', type=int, help='override both stages\' max_epochs')
    p.add_argument('--threads', type=int, default=1, help='torch threads (1 is fastest '
                   'on a shared 2-core machine)')
    p.add_argument('--table', action='store_true',
                   help='only rewrite the README table from the records')
    p.add_argument('--readme', default='configs/stad/README.md')
    return p.parse_args(argv)


def all_scenes():
    root = data_root(DATASET)
    scenes = sorted(osp.splitext(osp.basename(p))[0] for p in glob.glob(osp.join(root, '*.mat')))
    if not scenes:
        raise FileNotFoundError(f'no .mat scenes in {root} (set RSZOO_DATA_ROOT)')
    return scenes


def _runner(cfg, work_dir):
    from mmengine.runner import Runner
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.launcher = 'none'
    return Runner.from_cfg(cfg)


def _scene_metrics(metrics, scene):
    """The scene's values from the evaluator's ``had/<key>/<scene>`` keys."""
    out = {}
    for key in ('auc_df', 'auc_ftau', 'auc_df_sweep', 'auc_ftau_sweep', 'infer_s'):
        name = f'had/{key}/{scene}'
        if name not in metrics:
            raise KeyError(f'{name} missing from the test metrics {sorted(metrics)}')
        out[key] = float(metrics[name])
    return out


def _write(out, model, config, cfg, metrics, wall_s, scene, train_desc, argv):
    from rszoo.utils.records import append_record, make_record
    record = make_record(model=model, config=config, cfg=cfg, metrics=metrics,
                         eval_split='test', selected_on='last', wall_s=wall_s, argv=argv,
                         extra={'method': METHODS[model], 'scene': scene})
    record['dataset'] = DATASET
    record['split'] = {'train': train_desc, 'test': scene}
    append_record(out, record)
    print(f'had_protocol: {model} {scene}: AUC(D,F) {metrics["auc_df"]:.4f} '
          f'AUC(F,tau) {metrics["auc_ftau"]:.4f} ({wall_s:.1f} s)', flush=True)


def run_rx(scene, args, argv):
    from mmengine.config import Config
    cfg = Config.fromfile(RX_CONFIG)
    cfg.test_dataloader.dataset.scenes = [scene]
    cfg.test_evaluator.out_dir = osp.join(args.work_dir, 'maps', RX_MODEL)
    start = time.perf_counter()
    runner = _runner(cfg, osp.join(args.work_dir, scene, 'rx'))
    metrics = runner.test()
    wall = time.perf_counter() - start
    _write(args.out, RX_MODEL, RX_CONFIG, cfg, _scene_metrics(metrics, scene), wall, scene,
           'none (no training)', argv)


def run_stad(scene, args, argv):
    from mmengine.config import Config
    fold = osp.join(args.work_dir, scene)
    train_desc = f'leave-one-scene-out: all {DATASET} scenes but {scene} (maps unused)'
    start = time.perf_counter()
    t_cfg = Config.fromfile(TEACHER_CONFIG)
    s_cfg = Config.fromfile(STUDENT_CONFIG)
    for cfg in (t_cfg, s_cfg):
        cfg.train_dataloader.dataset.exclude_scenes = [scene]
        cfg.test_dataloader.dataset.scenes = [scene]
        if args.epochs:
            cfg.train_cfg.max_epochs = args.epochs
            cfg.default_hooks.checkpoint.interval = args.epochs
    teacher = _runner(t_cfg, osp.join(fold, 'teacher'))
    teacher.train()
    teacher_ckpt = osp.join(fold, 'teacher', f'epoch_{t_cfg.train_cfg.max_epochs}.pth')
    del teacher
    s_cfg.model.teacher_checkpoint = teacher_ckpt
    s_cfg.test_evaluator.out_dir = osp.join(args.work_dir, 'maps', STAD_MODEL)
    student = _runner(s_cfg, osp.join(fold, 'student'))
    student.train()
    train_s = time.perf_counter() - start
    metrics = _scene_metrics(student.test(), scene)
    metrics['train_s'] = train_s
    _write(args.out, STAD_MODEL, STUDENT_CONFIG, s_cfg, metrics,
           time.perf_counter() - start, scene, train_desc, argv)

    # the same trained student, small target filter on its own 50 input bands
    model = student.model.module if hasattr(student.model, 'module') else student.model
    model.stf_source = 'inputs'
    student.test_evaluator.metrics[0].out_dir = osp.join(args.work_dir, 'maps',
                                                         STAD_INPUT_STF_MODEL)
    metrics = _scene_metrics(student.test(), scene)
    metrics['train_s'] = train_s
    s_cfg.model.stf_source = 'inputs'
    _write(args.out, STAD_INPUT_STF_MODEL, STUDENT_CONFIG, s_cfg, metrics,
           train_s + metrics['infer_s'], scene, train_desc, argv)


# ------------------------------------------------------------------ the table
def latest_records(path):
    """``{(model, scene): record}``, the last record of each pair."""
    from rszoo.utils.records import read_records
    latest = {}
    for r in read_records(path):
        latest[(r['model'], r['scene'])] = r
    return latest


def build_table(path):
    import numpy as np
    latest = latest_records(path)
    scenes = sorted({s for (_, s) in latest})

    def val(model, scene, key):
        r = latest.get((model, scene))
        return None if r is None else r['metrics'].get(key)

    def fmt(v, digits=4):
        return '-' if v is None else f'{v:.{digits}f}'

    head = ('| scene | RX AUC(D,F) | STAD AUC(D,F) | STAD, STF on inputs | RX AUC(F,τ) '
            '| STAD AUC(F,τ) | STAD train (s) | STAD detect (s) | RX detect (s) '
            '| authors\' log STAD / RX |')
    lines = [head, '|' + '---|' * 10]
    for scene in scenes:
        stad, rx = val(STAD_MODEL, scene, 'auc_df'), val(RX_MODEL, scene, 'auc_df')
        better = stad is not None and rx is not None and stad > rx
        log = AUTHORS_LOG.get(scene)
        lines.append('| ' + ' | '.join([
            scene, fmt(rx), ('**' + fmt(stad) + '**') if better else fmt(stad),
            fmt(val(STAD_INPUT_STF_MODEL, scene, 'auc_df')),
            fmt(val(RX_MODEL, scene, 'auc_ftau')), fmt(val(STAD_MODEL, scene, 'auc_ftau')),
            fmt(val(STAD_MODEL, scene, 'train_s'), 0), fmt(val(STAD_MODEL, scene, 'infer_s'), 2),
            fmt(val(RX_MODEL, scene, 'infer_s'), 2),
            '-' if log is None else f'{log[0]:.4f} / {log[1]:.4f}']) + ' |')
    for name, group in (('mean, 13 scenes (authors\' set)', AUTHORS_SCENES),
                        ('mean, all 14', scenes)):
        cells = []
        for model, key in ((RX_MODEL, 'auc_df'), (STAD_MODEL, 'auc_df'),
                           (STAD_INPUT_STF_MODEL, 'auc_df'), (RX_MODEL, 'auc_ftau'),
                           (STAD_MODEL, 'auc_ftau')):
            vals = [val(model, s, key) for s in group]
            cells.append('-' if any(v is None for v in vals) else f'{np.mean(vals):.4f}')
        log = ('0.9573 / 0.9444' if group is AUTHORS_SCENES else '-')
        lines.append(f'| **{name}** | ' + ' | '.join(cells) + ' | | | | ' + log + ' |')
    wins = sum(1 for s in scenes if (val(STAD_MODEL, s, 'auc_df') or 0) >
               (val(RX_MODEL, s, 'auc_df') or 1))
    lines.append('')
    lines.append(f'STAD above RX (AUC(D,F)) on {wins} of {len(scenes)} scenes. '
                 f'Generated by `python tools/analysis/had_protocol.py --table` from '
                 f'`{osp.relpath(path, REPO_ROOT) if osp.isabs(path) else path}`.')
    return '\n'.join(lines)


def mean_metrics(path, model, scenes=AUTHORS_SCENES):
    """Means of ``auc_df`` / ``auc_ftau`` of ``model`` over ``scenes`` (None if
    a scene has no record)."""
    import numpy as np
    latest = latest_records(path)
    rows = [latest.get((model, s)) for s in scenes]
    if any(r is None for r in rows):
        return None
    return {key: round(float(np.mean([r['metrics'][key] for r in rows])), 4)
            for key in ('auc_df', 'auc_ftau')}


def write_metafile(records_path, metafile):
    """Set the ``Results`` of the metafile's models from the records (the means
    over the authors' 13 scenes); a model without all 13 records gets none."""
    import yaml
    data = yaml.safe_load(open(metafile, encoding='utf-8'))
    for model in data.get('Models', []):
        means = mean_metrics(records_path, model['Name'])
        model['Results'] = None if means is None else [dict(
            Task='Hyperspectral Anomaly Detection',
            Dataset='ABU (12 scenes) + San Diego, per-scene mean (had-abu-hydice-sandiego)',
            Metrics={'AUC(D,F)': means['auc_df'], 'AUC(F,tau)': means['auc_ftau']})]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    atomic_write_bytes(text.encode('utf-8'), metafile)
    print(f'had_protocol: wrote the results into {metafile}')


def write_table(records_path, readme):
    text = open(readme, encoding='utf-8').read()
    if TABLE_START not in text or TABLE_END not in text:
        raise ValueError(f'{readme}: markers {TABLE_START} / {TABLE_END} not found')
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    new = head + TABLE_START + '\n' + build_table(records_path) + '\n' + TABLE_END + tail
    atomic_write_bytes(new.encode('utf-8'), readme)
    print(f'had_protocol: wrote the table into {readme}')
    metafile = osp.join(osp.dirname(readme), 'metafile.yml')
    if osp.isfile(metafile):
        write_metafile(records_path, metafile)


def main(argv=None):
    args = parse_args(argv)
    if args.table:
        write_table(args.out, args.readme)
        return
    import torch
    from rszoo.utils import register_all_modules
    from rszoo.utils.records import argv_of
    torch.set_num_threads(args.threads)
    register_all_modules()
    full_argv = argv_of(argv)
    scenes = args.scenes or all_scenes()
    for scene in scenes:
        run_rx(scene, args, full_argv)
        if not args.rx_only:
            run_stad(scene, args, full_argv)
    if osp.isfile(args.readme):
        write_table(args.out, args.readme)


if __name__ == '__main__':
    main()
