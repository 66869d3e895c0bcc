"""Runner smoke test of the detection path: 2 training iterations of SAR-Net on
a tiny COCO data set written to tmp, then validation with CocoMetric."""
import json

import cv2
import numpy as np
from mmengine.config import Config
from mmengine.runner import Runner

from rszoo.utils import register_all_modules


def write_tiny_coco(root, n=4, size=64):
    """``n`` grey ``size``-px images, each with one bright 12 x 10 box, and a COCO json."""
    (root / 'images').mkdir(parents=True)
    images, anns = [], []
    rng = np.random.default_rng(0)
    for i in range(n):
        img = rng.integers(0, 40, (size, size), dtype=np.uint8)
        x, y = 8 + 6 * i, 20
        img[y:y + 10, x:x + 12] = 220
        cv2.imwrite(str(root / 'images' / f'img{i}.png'), np.stack([img] * 3, -1))
        images.append(dict(id=i + 1, file_name=f'img{i}.png', width=size, height=size))
        anns.append(dict(id=i + 1, image_id=i + 1, category_id=1, bbox=[x, y, 12, 10],
                         area=120, iscrowd=0))
    with open(root / 'ann.json', 'w') as f:
        json.dump(dict(images=images, annotations=anns,
                       categories=[dict(id=1, name='ship')]), f)


def test_sarnet_runner_two_iterations(tmp_path):
    register_all_modules()
    write_tiny_coco(tmp_path / 'data')
    pipeline = [dict(type='LoadRSImage'), dict(type='LoadDetAnnotations'),
                dict(type='Resize', scale=(64, 64), keep_ratio=True),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                dict(type='PackDetInputs')]
    dataset = dict(type='HRSID', data_root=str(tmp_path / 'data'), ann_file='ann.json',
                   data_prefix=dict(img='images'), pipeline=pipeline)
    loader = dict(batch_size=2, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='pseudo_collate'), dataset=dataset)
    cfg = Config(dict(
        default_scope='rszoo',
        model=dict(
            type='SARNet',
            data_preprocessor=dict(type='DetDataPreprocessor', mean=[0.] * 3, std=[255.] * 3,
                                   bgr_to_rgb=True, pad_size_divisor=32),
            backbone=dict(type='mmpretrain.ResNet', depth=18, base_channels=8,
                          out_indices=(1, 2, 3)),
            neck=dict(type='FPN', in_channels=[16, 32, 64], out_channels=16, extra_levels=None),
            ucm=dict(type='UCM', in_channels=16, num_levels=3, norm_groups=4),
            dam=dict(type='DAM', channels=16, num_levels=3, reduction=4),
            bbox_head=dict(type='FCOSHead', num_classes=1, in_channels=16, feat_channels=16,
                           stacked_convs=1, norm_groups=4, strides=(8, 16, 32),
                           regress_ranges=((-1, 64), (64, 128), (128, 1e8)))),
        work_dir=str(tmp_path / 'work'),
        train_dataloader=loader,
        val_dataloader=dict(loader, dataset=dict(dataset, test_mode=True)),
        val_evaluator=dict(type='CocoMetric', ann_file=str(tmp_path / 'data' / 'ann.json')),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=2, val_interval=2),
        val_cfg=dict(),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9),
                           clip_grad=dict(max_norm=35)),
        default_hooks=dict(logger=dict(type='LoggerHook', interval=1),
                           checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False)),
        randomness=dict(seed=0),
        log_level='WARNING'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.val_loop.run()
    assert set(metrics) == {f'coco/{k}' for k in ('bbox_mAP', 'bbox_mAP_50', 'bbox_mAP_75',
                                                  'bbox_mAP_s', 'bbox_mAP_m', 'bbox_mAP_l')}
    assert all(v == -1.0 or 0.0 <= v <= 100.0 for v in metrics.values())  # percent
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()
