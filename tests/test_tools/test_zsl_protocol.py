"""``tools/zeroshot/zsl_protocol.py``: DSVA end to end on tiny image folders (through the
Runner), and the linear baselines on a linear toy problem of features.
"""
import json
import os.path as osp
import sys

import numpy as np
import pytest
from PIL import Image

from rszoo.datasets.zeroshot import ClassSplit

from conftest import REPO_ROOT
from helpers.dsva import CLASSES, SEEN, TINY_VIT, UNSEEN, class_matrix
from helpers.mcfa import write_linear_zsl_problem

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_zsl_protocol_runs_dsva_end_to_end(tmp_path):
    """tools/zeroshot/zsl_protocol.py --methods dsva on 6 class folders of tiny
    images: a validation run (class_subset 'val') picks the calibration, the
    test run reports ZSL / GZSL; both through the Runner."""
    import sys
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools', 'zeroshot'))
    import zsl_protocol
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
        "default_hooks = dict(channels_last=dict(enable=False))\n")
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
