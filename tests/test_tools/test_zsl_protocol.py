"""``tools/zeroshot/zsl_protocol.py``: DSVA end to end on tiny image folders (through the
Runner), the linear baselines on a linear toy problem of features, MCFA (ZSL from its
separate unseen-only classifier) on tiny features, and the results records (``--record``)
of every run.
"""
import json
import os.path as osp
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from rszoo.datasets.zeroshot import ClassSplit

from conftest import REPO_ROOT
from helpers.dsva import CLASSES, SEEN, TINY_VIT, UNSEEN, class_matrix
from helpers.mcfa import write_linear_zsl_problem

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def tiny_dsva_protocol_files(tmp_path):
    """6 class folders of tiny images, a class split, an attribute matrix and a
    tiny DSVA config (2 epochs of 2 episodes, a checkpoint and a log line per
    epoch): ``(config, split, attrs)``."""
    rng = np.random.default_rng(0)
    root = tmp_path / 'images'
    for name in CLASSES:
        (root / name).mkdir(parents=True)
        for i in range(5):
            Image.fromarray(rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)) \
                .save(root / name / f'{name}_{i}.png')
    split = tmp_path / 'split.json'
    ClassSplit(dataset='toy', classes=CLASSES, seen=SEEN, unseen=UNSEEN,
               val_unseen=[SEEN[-1]], seed=0, source='test').to_file(str(split))
    attrs = tmp_path / 'attrs.npy'
    np.save(attrs, class_matrix())
    (tmp_path / 'attrs.txt').write_text('\n'.join(CLASSES) + '\n')
    pipeline = [dict(type='LoadRSImage'), dict(type='Resize', scale=(32, 32)),
                dict(type='PackInputs')]
    data = dict(type='ZeroShotDataset', dataset=dict(type='RSSceneDataset', data_root=str(root)),
                class_split=str(split), subset='train', seen_test_ratio=0.2, split_seed=0,
                pipeline=pipeline)
    model = dict(type='DSVA', class_split=str(split), class_attributes=str(attrs),
                 backbone=TINY_VIT, class_subset='test',
                 concentration=dict(type='AttentionConcentration', window_ratio=0.5, top_k=2),
                 data_preprocessor=dict(type='ClsDataPreprocessor', mean=[127.5] * 3,
                                        std=[127.5] * 3, to_rgb=True))
    loader = dict(batch_size=4, num_workers=0, dataset=data,
                  sampler=dict(type='EpisodicClassSampler', ways=2, shots=2,
                               episodes_per_epoch=2))
    test_loader = dict(batch_size=8, num_workers=0, dataset=dict(data, subset='test'),
                       sampler=dict(type='DefaultSampler', shuffle=False))
    config = tmp_path / 'dsva_tiny.py'
    config.write_text(
        "_base_ = ['%s']\n" % osp.join(REPO_ROOT, 'configs/_base_/default_runtime.py') +
        f'model = {model!r}\ntrain_dataloader = {loader!r}\n'
        f'val_dataloader = {test_loader!r}\ntest_dataloader = val_dataloader\n'
        "val_evaluator = dict(type='ZSLMetric')\ntest_evaluator = val_evaluator\n"
        "optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))\n"
        "train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=2)\n"
        "val_cfg = dict()\ntest_cfg = dict()\n"
        "default_hooks = dict(channels_last=dict(enable=False), logger=dict(interval=2))\n")
    return config, split, attrs


def test_zsl_protocol_runs_dsva_end_to_end(tmp_path):
    """tools/zeroshot/zsl_protocol.py --methods dsva on 6 class folders of tiny
    images: a validation run (class_subset 'val') picks the calibration, the
    test run reports ZSL / GZSL; both through the Runner."""
    import sys
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    config, split, attrs = tiny_dsva_protocol_files(tmp_path)
    out = tmp_path / 'rows.jsonl'
    rows = zsl_protocol.main(['--methods', 'dsva', '--dsva-config', str(config),
                              '--splits', str(split), '--embeddings', str(attrs),
                              '--work-dir', str(tmp_path / 'proto'), '--out', str(out)])
    assert len(rows) == 1 and rows[0]['method'] == 'dsva'
    for key in ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/ausuc'):
        assert 0 <= rows[0][key] <= 100, key
    assert isinstance(rows[0]['gamma'], float)
    work = tmp_path / 'proto' / 'split_attrs.npy' / 'dsva'
    assert (work / 'val' / 'epoch_2.pth').exists() and (work / 'test' / 'epoch_2.pth').exists()
    with pytest.raises(SystemExit):  # the feature methods need --features
        zsl_protocol.parse_args(['--methods', 'mcfa', '--splits', str(split)])


def test_zsl_protocol_dsva_resume_continues_a_stopped_run(tmp_path):
    """--resume: a DSVA validation run stopped after epoch 1 (its epoch-2
    checkpoint gone, last_checkpoint back at epoch 1) continues from epoch 1
    and ends with the bits and the record metrics of the uninterrupted run;
    its record says it was trained in 2 pieces and sums their wall times."""
    import time
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    from rszoo.utils.compat import load_from_local
    config, split, attrs = tiny_dsva_protocol_files(tmp_path)
    base = ['--methods', 'dsva', '--dsva-config', str(config), '--splits', str(split),
            '--embeddings', str(attrs), '--stage', 'val']
    zsl_protocol.main(base + ['--work-dir', str(tmp_path / 'a'), '--record',
                              str(tmp_path / 'a.jsonl')])
    zsl_protocol.main(base + ['--work-dir', str(tmp_path / 'b'), '--record',
                              str(tmp_path / 'b.jsonl')])
    run_a = tmp_path / 'a' / 'split_attrs.npy' / 'dsva' / 'val'
    run_b = tmp_path / 'b' / 'split_attrs.npy' / 'dsva' / 'val'
    (run_b / 'epoch_2.pth').unlink()  # stopped between the checkpoints
    (run_b / 'last_checkpoint').write_text(str(run_b / 'epoch_1.pth'))
    time.sleep(1.1)  # mmengine names a session by its second
    zsl_protocol.main(base + ['--work-dir', str(tmp_path / 'b'), '--record',
                              str(tmp_path / 'b.jsonl'), '--resume'])
    newest = sorted(run_b.glob('2*'))[-1]
    assert 'resumed epoch: 1, iter: 2' in (newest / f'{newest.name}.log').read_text()
    a, b = load_from_local(str(run_a / 'epoch_2.pth')), load_from_local(str(run_b / 'epoch_2.pth'))
    assert all(torch.equal(v, b['state_dict'][k]) for k, v in a['state_dict'].items())
    (first, ), (b_whole, resumed) = _records(tmp_path / 'a.jsonl'), _records(tmp_path / 'b.jsonl')
    assert resumed['metrics'] == first['metrics']
    assert resumed['cfg_sha256'] == b_whole['cfg_sha256']  # the same run's config
    assert 'trained in 2 pieces (--resume)' in resumed['train']
    assert '--resume' in resumed['command'] and 'pieces' not in first['train']
    from rszoo.utils.train_summary import log_wall_s
    assert resumed['wall_s'] >= round(log_wall_s(str(sorted(run_b.glob('2*'))[0])), 1)


def test_zsl_protocol_linear_baselines_end_to_end(tmp_path):
    """tools/zeroshot/zsl_protocol.py on a linear toy problem (12 classes with 4-d
    class vectors, 8 seen / 2 validation-unseen / 2 unseen): tuned on the
    validation classes, evaluated on the unseen ones, every metric in range."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    write_linear_zsl_problem(tmp_path, per_class=20, noise=0.05)
    out = tmp_path / 'rows.jsonl'
    rows = zsl_protocol.main(['--features', str(tmp_path / 'feats.npz'),
                              '--splits', str(tmp_path / 'split.json'),
                              '--embeddings', str(tmp_path / 'emb.npy'), '--methods', 'eszsl',
                              '--work-dir', str(tmp_path / 'proto'), '--out', str(out)])
    assert len(rows) == 1 and rows[0]['method'] == 'eszsl'
    for key in ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/ausuc'):
        assert 0 <= rows[0][key] <= 100, key
    assert rows[0]['zsl/top1'] > 80  # 2 unseen classes of a linear problem: recovered
    assert json.loads(out.read_text().splitlines()[0])['method'] == 'eszsl'


def _records(path):
    from rszoo.utils.records import RECORD_FIELDS, read_records, validate_record
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert read_records(path) == lines  # every line is a results record
    for rec in lines:
        validate_record(rec)
        assert tuple(rec)[:len(RECORD_FIELDS)] == RECORD_FIELDS
        assert all(isinstance(v, float) for v in rec['metrics'].values())
    return lines


def test_zsl_protocol_writes_a_record_per_run_linear(tmp_path):
    """--record: the validation run (eval_split val) and the test run (eval_split test)
    of ESZSL each append a results record with flat numeric metrics."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    write_linear_zsl_problem(tmp_path, per_class=20, noise=0.05)
    record = tmp_path / 'records.jsonl'
    argv = ['--features', str(tmp_path / 'feats.npz'), '--splits', str(tmp_path / 'split.json'),
            '--embeddings', str(tmp_path / 'emb.npy'), '--methods', 'eszsl',
            '--work-dir', str(tmp_path / 'proto'), '--record', str(record)]
    rows = zsl_protocol.main(argv)
    val, test = _records(record)
    assert (val['eval_split'], test['eval_split']) == ('val', 'test')
    assert val['model'] == test['model'] == 'eszsl_emb' and test['method'] == 'eszsl'
    assert test['config'] == 'tools/zeroshot/zsl_protocol.py'
    assert test['selected_on'] == 'val' and 'variant' in val and 'variant' not in test
    assert test['dataset'] == 'toy' and test['seed'] == 0
    assert test['split'] == {'train': f"{tmp_path / 'split.json'} (train)",
                             'test': f"{tmp_path / 'split.json'} (test)"}
    assert val['split']['val'].endswith('(val_test)')
    for key in ('zsl/top1', 'gzsl/seen', 'gzsl/unseen', 'gzsl/H', 'gzsl/H_gamma0',
                'gzsl/ausuc'):
        assert test['metrics'][key] == pytest.approx(rows[0][key]), key
    assert test['metrics']['gzsl/gamma'] == rows[0]['gamma']
    assert {'params/gamma', 'params/lambd'} <= set(test['metrics'])
    assert test['command'].startswith('python ') and '--record' in test['command']


def test_records_of_text_only_attributes_are_labelled(tmp_path):
    """Class vectors whose .meta.json says they are the text-only fallback: the
    records name the source in ``train`` and carry the ``_text-only-attributes``
    model suffix, so such a run never stands as a config's (image-based) figure;
    another source is named but keeps the model name."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    write_linear_zsl_problem(tmp_path, per_class=20, noise=0.05)
    argv = ['--features', str(tmp_path / 'feats.npz'), '--splits', str(tmp_path / 'split.json'),
            '--embeddings', str(tmp_path / 'emb.npy'), '--methods', 'eszsl',
            '--work-dir', str(tmp_path / 'proto')]
    for source, model in (('text-only fallback (MiniLM)', 'eszsl_emb_text-only-attributes'),
                          ('open_clip image-attribute similarity', 'eszsl_emb')):
        (tmp_path / 'emb.meta.json').write_text(json.dumps({'source': source}))
        record = tmp_path / f'{model}.jsonl'
        zsl_protocol.main(argv + ['--record', str(record)])
        for row in _records(record):
            assert row['model'] == model
            assert row['train'].endswith(f'class vectors {tmp_path / "emb.npy"} (source: {source})')


def tiny_mcfa_config(root):
    """A tiny MCFA config over the real one (16-d features, 2 epochs)."""
    config = root / 'mcfa_tiny.py'
    config.write_text(
        "_base_ = ['%s']\n" % osp.join(
            REPO_ROOT, 'configs/mcfa/mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py') +
        'model = dict(visual_dim=16, latent_dim=4, visual_hidden=16, semantic_hidden=8,\n'
        '             num_seen_samples=10, num_unseen_samples=10, classifier_epochs=2,\n'
        '             zsl_num_unseen_samples=10, zsl_classifier_epochs=2)\n'
        "train_dataloader = dict(batch_size=10, sampler=dict(ways=2, shots=5))\n"
        'max_epochs = 2\n'
        'train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)\n'
        'default_hooks = dict(checkpoint=dict(interval=max_epochs), logger=dict(interval=1))\n')
    return config


def test_zsl_protocol_in_two_stages_equals_one_call(zsl_files):
    """--stage val then --stage test (the choice read back from the validation
    record) gives the records of one --stage all call; the stages refuse the
    linear baselines and a missing --record, and the test stage without a
    validation record says what to run first."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    root = zsl_files['root']
    base = ['--features', zsl_files['features'], '--splits', zsl_files['split'],
            '--embeddings', zsl_files['emb'], '--methods', 'mcfa',
            '--mcfa-config', str(tiny_mcfa_config(root))]
    one, staged = root / 'one.jsonl', root / 'staged.jsonl'
    zsl_protocol.main(base + ['--work-dir', str(root / 'one'), '--record', str(one)])
    with pytest.raises(SystemExit, match='run --stage val first'):
        zsl_protocol.main(base + ['--work-dir', str(root / 'st'), '--record', str(staged),
                                  '--stage', 'test'])
    val_rows = zsl_protocol.main(base + ['--work-dir', str(root / 'st'), '--record',
                                         str(staged), '--stage', 'val'])
    assert val_rows[0]['stage'] == 'val' and len(_records(staged)) == 1
    zsl_protocol.main(base + ['--work-dir', str(root / 'st'), '--record', str(staged),
                              '--stage', 'test'])
    for a, b in zip(_records(one), _records(staged)):
        assert (a['model'], a['eval_split'], a['selected_on']) == \
            (b['model'], b['eval_split'], b['selected_on'])
        assert a['metrics'] == pytest.approx(b['metrics'])
    assert [r['eval_split'] for r in _records(staged)] == ['val', 'test']
    for bad in (['--stage', 'val'], ['--stage', 'val', '--record', str(staged),
                                     '--methods', 'mcfa', 'eszsl']):
        with pytest.raises(SystemExit):
            zsl_protocol.parse_args(['--features', 'f.npz', '--splits', 's.json'] + bad)


def test_zsl_protocol_mcfa_zsl_from_its_unseen_classifier_and_records(zsl_files, monkeypatch):
    """MCFA through the Runner (tiny config over the real one): the ZSL top-1 is read from
    the separate unseen-only classifier's scores, both runs are recorded."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    root = zsl_files['root']
    config = tiny_mcfa_config(root)
    seen_zsl_scores = []
    evaluate = zsl_protocol.evaluate

    def spy(scores, labels, seen, unseen, gamma, zsl_scores=None):
        seen_zsl_scores.append((zsl_scores, list(seen), list(unseen)))
        return evaluate(scores, labels, seen, unseen, gamma, zsl_scores)

    monkeypatch.setattr(zsl_protocol, 'evaluate', spy)
    record = root / 'records.jsonl'
    rows = zsl_protocol.main(['--features', zsl_files['features'], '--splits', zsl_files['split'],
                              '--embeddings', zsl_files['emb'], '--methods', 'mcfa',
                              '--mcfa-config', str(config), '--work-dir', str(root / 'proto'),
                              '--record', str(record)])
    assert len(rows) == 1 and 0 <= rows[0]['zsl/top1'] <= 100
    assert len(seen_zsl_scores) == 2  # validation run, test run
    for scores, seen, unseen in seen_zsl_scores:
        assert scores is not None
        assert torch.all(scores[:, seen] == 0)  # the ZSL classifier scores unseen classes only
        assert torch.allclose(scores[:, unseen].sum(1), torch.ones(len(scores), dtype=scores.dtype))
    assert seen_zsl_scores[0][2] == [3] and seen_zsl_scores[1][2] == [4, 5]
    val, test = _records(record)
    assert (val['eval_split'], test['eval_split']) == ('val', 'test')
    assert test['model'] == 'mcfa_tiny' and test['method'] == 'mcfa'
    assert test['config'] == str(config) and test['selected_on'] == 'val'
    assert test['metrics']['zsl/top1'] == pytest.approx(rows[0]['zsl/top1'])
    assert len(test['cfg_sha256']) == 64 and test['cfg_sha256'] != val['cfg_sha256']
    # the grid: one validation run per setting, the chosen one recorded and used for the test
    proto = root / 'proto' / 'split_emb.npy' / 'mcfa'
    assert sorted(p.name for p in proto.iterdir() if p.name.startswith('val_')) == sorted(
        f'val_lr{lr:g}_temperature{t:g}' for lr in zsl_protocol.MCFA_GRID['lr']
        for t in zsl_protocol.MCFA_GRID['temperature'])
    assert val['metrics']['params/lr'] == test['metrics']['params/lr'] \
        == rows[0]['params']['lr'] in zsl_protocol.MCFA_GRID['lr']
    assert test['metrics']['params/temperature'] in zsl_protocol.MCFA_GRID['temperature']


def test_validate_then_test_chooses_the_setting_on_the_validation_classes():
    """validate_then_test with a grid: every setting is run on the validation classes, the
    best validation ZSL accuracy wins (the first on ties), the test run gets its options."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    from mmengine.config import Config
    calls = []
    labels = torch.tensor([0, 1, 2, 2, 3, 3])  # seen 0, 1; unseen 2, 3

    def run(train_subset, test_subset, class_subset, options):
        calls.append((class_subset, options))
        # the setting with lr 0.5 scores the unseen classes right, the others wrong
        right = options['o.lr'] == 0.5
        scores = torch.full((6, 4), 0.1, dtype=torch.float64)
        for i, y in enumerate(labels.tolist()):
            scores[i, y if right or y < 2 else 5 - y] = 1.0
        return dict(scores=scores, labels=labels, seen=[0, 1], unseen=[2, 3],
                    cfg=Config(dict(options=options)))

    grid = dict(lr=('o.lr', [0.1, 0.5, 0.9]), t=('o.t', [1.0, 2.0]))
    row, runs = zsl_protocol.validate_then_test(run, None, grid)
    assert [c for c, _ in calls] == ['val'] * 6 + ['test']
    assert calls[-1][1] == {'o.lr': 0.5, 'o.t': 1.0}  # best on validation, first of the tie
    assert row['params'] == {'lr': 0.5, 't': 1.0} and row['zsl/top1'] == 100.0
    assert [r['selected_on'] for r in runs] == ['val', 'val']
    assert runs[0]['metrics']['params'] == row['params']


def test_zsl_protocol_record_model_names():
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
    glove = 'configs/mcfa/mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25.py'
    assert zsl_protocol.model_name('mcfa', glove, 'glove') == \
        'mcfa_efficientnet-lite0_in1k-pre_glove_aid150-25-5_1xb25'
    assert zsl_protocol.model_name('mcfa', glove, 'minilm') == \
        'mcfa_efficientnet-lite0_in1k-pre_minilm_aid150-25-5_1xb25'
    assert zsl_protocol.model_name('devise', None, 'minilm') == 'devise_minilm'
    assert zsl_protocol.model_name('eszsl', None, 'work/vectors.npy') == 'eszsl_vectors'
