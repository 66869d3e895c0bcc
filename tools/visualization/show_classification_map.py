"""Paint a land-cover model's prediction for every pixel of a scene.

    python tools/visualization/show_classification_map.py CONFIG CHECKPOINT \\
        [--out map.png] [--split full|labelled|test] [--window R0 R1 C0 C1] \\
        [--gt gt.png] [--save-npy pred.npy] [--batch-size 256] [--cfg-options k=v ...]

The model is built from CONFIG and CHECKPOINT is loaded strictly
(``torch.load(weights_only=True)``). The config's ``test_dataloader`` data set (a
:class:`rszoo.datasets.multimodal.MultimodalPatchDataset`: Houston2013, Trento,
MUUFL) is rebuilt with ``split='full'`` (default: every pixel of the grid,
labelled or not), ``'labelled'`` (every labelled pixel: train, val and test) or
``'test'``, optionally inside ``--window`` (rows R0:R1, columns C0:C1). Each
served pixel gets its predicted class's colour; pixels not served stay black.
``--gt`` also paints the ground truth with the same palette, and a legend
(class names) is written next to the map as ``<out stem>_legend.png``.
Pixel-vector sets (MDL-RS) carry no coordinates and are refused.
"""
import argparse
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np


#: a 20-colour palette (class 0 first); unpainted pixels are black
PALETTE = np.array([
    [0, 205, 0], [127, 255, 0], [46, 139, 87], [0, 139, 0], [160, 82, 45], [0, 255, 255],
    [255, 255, 255], [216, 191, 216], [255, 0, 0], [139, 0, 0], [100, 100, 100],
    [255, 255, 0], [238, 154, 0], [85, 26, 139], [255, 127, 80], [0, 0, 255],
    [255, 0, 255], [128, 128, 0], [0, 128, 128], [255, 192, 203]], dtype=np.uint8)


def paint(labels: Sequence[int], rows: Sequence[int], cols: Sequence[int], shape,
          palette: np.ndarray = PALETTE) -> np.ndarray:
    """An ``(H, W, 3)`` uint8 picture: pixel (rows[i], cols[i]) in colour labels[i];
    negative labels and pixels not listed stay black."""
    labels, rows, cols = (np.asarray(a, np.int64) for a in (labels, rows, cols))
    if not labels.shape == rows.shape == cols.shape:
        raise ValueError(f'paint: labels {labels.shape}, rows {rows.shape}, cols {cols.shape} '
                         'must have one shape')
    if labels.size and labels.max() >= len(palette):
        raise ValueError(f'paint: class {labels.max()} but the palette has {len(palette)} '
                         'colours')
    picture = np.zeros((*shape, 3), np.uint8)
    keep = labels >= 0
    picture[rows[keep], cols[keep]] = palette[labels[keep]]
    return picture


def save_legend(path: str, classes: Sequence[str], palette: np.ndarray = PALETTE) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    fig = plt.figure(figsize=(3, 0.3 * len(classes) + 0.4))
    fig.legend(handles=[Patch(color=palette[i] / 255.0, label=name)
                        for i, name in enumerate(classes)], loc='center', frameon=False)
    fig.savefig(path, dpi=120, bbox_inches='tight')
    plt.close(fig)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description='Paint every pixel\'s predicted class')
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='checkpoint (loaded strictly, weights only)')
    parser.add_argument('--out', default='classification_map.png')
    parser.add_argument('--split', choices=('full', 'labelled', 'test'), default='full')
    parser.add_argument('--window', type=int, nargs=4, metavar=('R0', 'R1', 'C0', 'C1'))
    parser.add_argument('--gt', help='also paint the ground truth to this file')
    parser.add_argument('--save-npy',
                        help='write the (H, W) int16 predicted map (-1 = not painted)')
    parser.add_argument('--batch-size', type=int, default=256)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> np.ndarray:
    args = parse_args(argv)
    import torch
    from mmengine.config import Config
    from mmengine.dataset import default_collate
    from PIL import Image

    from rszoo.datasets.multimodal import MultimodalPatchDataset
    from rszoo.fileio import atomic_save_npy
    from rszoo.registry import DATASETS, MODELS
    from rszoo.utils import register_all_modules
    from rszoo.utils.config_utils import merge_cfg_options
    register_all_modules()

    cfg = merge_cfg_options(Config.fromfile(args.config), args.cfg_options)
    ds_cfg = cfg.test_dataloader.dataset.copy()
    split = {'full': 'full', 'test': 'test', 'labelled': 'full'}[args.split]
    ds_cfg.update(split=split, window=args.window, max_per_class=None)
    dataset = DATASETS.build(ds_cfg)
    if not isinstance(dataset, MultimodalPatchDataset):
        raise TypeError(f'{args.config}: the test data set {type(dataset).__name__} has no '
                        'pixel coordinates (pixel vectors?); a map needs a patch data set')
    model = MODELS.build(cfg.model)
    state = torch.load(args.checkpoint, map_location='cpu', weights_only=True)
    model.load_state_dict(state.get('state_dict', state), strict=True)
    model.to(args.device).eval()

    rows, cols, preds = [], [], []
    indexes = np.arange(len(dataset))
    if args.split == 'labelled':
        indexes = indexes[dataset.get_gt_labels() >= 0]
    with torch.no_grad():
        for start in range(0, len(indexes), args.batch_size):
            chunk = indexes[start:start + args.batch_size]
            batch = default_collate([dataset[int(i)] for i in chunk])
            data = model.data_preprocessor(batch, False)
            samples = model(data['inputs'], data['data_samples'], mode='predict')
            for sample in samples:
                rows.append(sample.metainfo['row'])
                cols.append(sample.metainfo['col'])
                preds.append(int(sample.pred_label[0]))
    picture = paint(preds, rows, cols, dataset.grid_shape)
    Image.fromarray(picture).save(args.out)
    classes = dataset.metainfo.get('classes') or [str(i) for i in range(max(preds) + 1)]
    save_legend(osp.splitext(args.out)[0] + '_legend.png', classes)
    pred_map = np.full(dataset.grid_shape, -1, np.int16)
    pred_map[np.asarray(rows, np.int64), np.asarray(cols, np.int64)] = preds
    if args.save_npy:
        atomic_save_npy(pred_map, args.save_npy)
    if args.gt:
        gt = dataset.label_grid - 1
        r, c = np.nonzero(gt >= 0)
        Image.fromarray(paint(gt[r, c], r, c, dataset.grid_shape)).save(args.gt)
    print(f'rszoo: painted {len(preds)} pixels of a {dataset.grid_shape[0]}x'
          f'{dataset.grid_shape[1]} grid to {args.out}', flush=True)
    return pred_map


if __name__ == '__main__':
    main()
