"""A picture of a config's data set samples, as loaded and as the pipeline
augments them (mmpretrain's ``tools/visualization/browse_dataset.py``).

    python tools/visualization/browse_dataset.py CONFIG [--phase train|val|test] \
        [--mode original|transformed|concat] [-n 16] [--seed 0] \
        [--bands 3 2 1 | --bands B04 B03 B02] [--channel-order BGR|RGB] \
        [--out grid.png] [--cfg-options k=v ...]

The data set of ``<phase>_dataloader`` is built from CONFIG (with
``preload=False``: only the shown samples are decoded) and ``-n`` samples
(evenly spread over the data set, or drawn at random with ``--seed``) go
through its pipeline. ``original`` shows the image the loading transform
returns, ``transformed`` the packed ``inputs`` after the whole pipeline
(augmentations included; normalisation happens later, in the model's data
preprocessor), ``concat`` both side by side. Each cell is captioned
``<label>: <class>`` and its size.

Any band count is shown as an RGB picture (:func:`rszoo.visualization.to_display_rgb`):
``--bands`` picks one band (grey) or three (R, G, B) by index or by the
names of the sample's bands (its ``bands`` selection, else the data set's
``BANDS`` / ``METAINFO['bands']``); without it, the data set's ``RGB_BANDS`` /
``METAINFO['rgb_bands']``, else the first three bands (3- and 4-band 8-bit
images are BGR(A) as LoadRSImage returns them: ``--channel-order``). 8-bit
bands are shown as they are; other data (e.g. uint16 reflectance) is
stretched per band between its 2nd and 98th percentiles.
"""
import argparse
import copy
import os.path as osp

import matplotlib

matplotlib.use('Agg')

import numpy as np  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.registry import DefaultScope  # noqa: E402

from rszoo.utils import register_all_modules  # noqa: E402
from rszoo.utils.config_utils import default_work_dir, merge_cfg_options  # noqa: E402
from rszoo.visualization import (dataset_bands, image_grid, save_figure,  # noqa: E402
                                 tensor_to_hwc, to_display_rgb)

MODES = ('original', 'transformed', 'concat')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Browse a data set and its augmentations')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--phase', '-p', default='train', choices=['train', 'val', 'test'],
                        help='whose dataloader\'s data set to show (default: train)')
    parser.add_argument('--mode', '-m', default='transformed', choices=MODES,
                        help='the loaded image, the pipeline\'s output, or both')
    parser.add_argument('--show-number', '-n', type=int, default=16,
                        help='number of samples (capped at the data set size)')
    parser.add_argument('--seed', type=int,
                        help='draw the samples at random with this seed (the pipeline\'s '
                        'random augmentations are seeded with it too); default: '
                        'evenly spread samples')
    parser.add_argument('--bands', nargs='+',
                        help='one or three bands to show, as indices or band names')
    parser.add_argument('--channel-order', default='BGR', choices=['BGR', 'RGB'],
                        help='order of 3- and 4-band 8-bit images (LoadRSImage: BGR)')
    parser.add_argument('--ncols', type=int, help='cells per row (default: about square)')
    parser.add_argument('--out', help='output PNG (default: work_dirs/<config>/'
                        'browse_<phase>_<mode>.png)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    args = parser.parse_args(argv)
    if args.show_number < 1:
        parser.error(f'--show-number must be >= 1, got {args.show_number}')
    return args


def build_dataset(cfg, phase):
    """The data set of ``cfg.<phase>_dataloader``, without preloading."""
    from rszoo.registry import DATASETS
    loader = cfg.get(f'{phase}_dataloader')
    if not loader or not loader.get('dataset'):
        raise KeyError(f'{cfg.filename} has no {phase}_dataloader.dataset')
    dataset_cfg = copy.deepcopy(loader['dataset'])
    if 'preload' in dataset_cfg:
        dataset_cfg['preload'] = False
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'rszoo')):
        return DATASETS.build(dataset_cfg)


def pick_indices(num_items, number, seed=None):
    """``number`` indices of ``num_items``: evenly spread, or random with ``seed``."""
    number = min(number, num_items)
    if seed is None:
        return np.linspace(0, num_items - 1, number).round().astype(int).tolist()
    return sorted(np.random.default_rng(seed).choice(num_items, number, replace=False).tolist())


def run_pipeline(dataset, index):
    """``(original HxWxC, transformed HxWxC, label, band names)`` of sample ``index``.

    ``original`` is the first ``img`` the pipeline produces (the loader's
    output; a preloaded image as is); ``transformed`` the packed ``inputs``
    (or the last ``img`` when the pipeline does not pack)."""
    results = copy.deepcopy(dataset.get_data_info(index))
    selection = results.get('bands') or results.get('band_names')
    original = results.get('img')
    original = None if original is None else original.copy()
    for transform in dataset.pipeline.transforms:
        results = transform(results)
        if results is None:
            raise RuntimeError(f'{type(transform).__name__} dropped sample {index} '
                               f'({dataset.get_data_info(index).get("img_path")})')
        if original is None and results.get('img') is not None:
            original = np.asarray(results['img']).copy()
    if 'inputs' in results:
        transformed = tensor_to_hwc(results['inputs'])
    else:
        transformed = np.asarray(results['img'])
    label = None
    sample = results.get('data_samples')
    if sample is not None and 'gt_label' in sample:
        label = int(sample.gt_label.reshape(-1)[0])
    elif 'gt_label' in results:
        label = int(np.asarray(results['gt_label']).reshape(-1)[0])
    return original, transformed, label, selection


def caption(label, classes, img, kind=None):
    name = '?' if label is None else (
        f'{label}: {classes[label]}' if classes and label < len(classes) else str(label))
    size = f'{img.shape[0]}x{img.shape[1]}x{img.shape[2] if img.ndim == 3 else 1}'
    return f'{name}\n{size} {img.dtype}' + (f' ({kind})' if kind else '')


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    cfg = Config.fromfile(args.config)
    merge_cfg_options(cfg, args.cfg_options)
    dataset = build_dataset(cfg, args.phase)
    if len(dataset) == 0:
        raise ValueError(f'the {args.phase} data set of {args.config} is empty')
    if args.seed is not None:
        from mmengine.runner import set_random_seed
        set_random_seed(args.seed)
    classes = dataset.metainfo.get('classes')
    images, titles = [], []
    for index in pick_indices(len(dataset), args.show_number, args.seed):
        original, transformed, label, selection = run_pipeline(dataset, index)
        shown = {'original': [('original', original)],
                 'transformed': [('transformed', transformed)],
                 'concat': [('original', original), ('transformed', transformed)]}[args.mode]
        for kind, img in shown:
            band_names, rgb_bands = dataset_bands(
                dataset, selection, img.shape[2] if img.ndim == 3 else 1)
            images.append(to_display_rgb(img, bands=args.bands, band_names=band_names,
                                         rgb_bands=rgb_bands, channel_order=args.channel_order))
            titles.append(caption(label, classes, img, kind if args.mode == 'concat' else None))
    ncols = args.ncols or (None if args.mode != 'concat' else
                           2 * max(1, int(np.ceil(np.sqrt(len(images) / 2)))))
    fig = image_grid(images, titles, ncols=ncols,
                     suptitle=f'{osp.basename(args.config)}: {args.phase}, {args.mode}')
    out = args.out or osp.join(default_work_dir(args.config),
                               f'browse_{args.phase}_{args.mode}.png')
    save_figure(fig, out)
    print(f'{len(titles)} picture(s) of the {args.phase} data set saved to {out}')
    return out


if __name__ == '__main__':
    main()
