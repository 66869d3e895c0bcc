"""Draw hyperspectral anomaly detection maps next to the scene and its ground truth.

    python tools/visualization/show_anomaly_map.py \
        --maps work_dirs/had_protocol/maps/rx_had-abu-hydice-sandiego \
               work_dirs/had_protocol/maps/stad_c50_16px_had-loso \
        --labels RX STAD [--scenes abu-airport-1 sandiego] \
        --out configs/stad/had_detection_maps.png

One row per scene: a false-colour composite of the cube, the ground-truth
``map``, then each detection map (``<maps dir>/<scene>.npy``, written by
``tools/analysis/had_protocol.py`` through ``AnomalyAUC(out_dir=...)``), each
shown with the jet colour map over its own range and titled with its AUC(D,F).
"""
import argparse
import os.path as osp


import numpy as np

from rszoo.fileio import data_root


def parse_args(argv=None):
    p = argparse.ArgumentParser(description='Draw HAD detection maps')
    p.add_argument('--maps', nargs='+', required=True, help='folders of <scene>.npy maps')
    p.add_argument('--labels', nargs='+', help='one label per --maps folder')
    p.add_argument('--scenes', nargs='+', help='scene stems (default: those in the first '
                   'folder)')
    p.add_argument('--data-root', default=None,
                   help='folder of the .mat scenes (default: $RSZOO_DATA_ROOT/'
                   'had-abu-hydice-sandiego)')
    p.add_argument('--out', required=True, help='output image (.png)')
    p.add_argument('--dpi', type=int, default=60)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import glob

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from rszoo.datasets.hyperspectral_anomaly import false_colour, load_had_mat
    from rszoo.evaluation.metrics.anomaly_auc import auc_df

    labels = args.labels or [osp.basename(osp.normpath(m)) for m in args.maps]
    if len(labels) != len(args.maps):
        raise ValueError(f'{len(labels)} --labels for {len(args.maps)} --maps folders')
    root = args.data_root or data_root('had-abu-hydice-sandiego')
    scenes = args.scenes or sorted(
        osp.splitext(osp.basename(p))[0] for p in glob.glob(osp.join(args.maps[0], '*.npy')))
    if not scenes:
        raise FileNotFoundError(f'no <scene>.npy maps in {args.maps[0]}')
    cols = 2 + len(args.maps)
    fig, axes = plt.subplots(len(scenes), cols, figsize=(1.9 * cols, 1.9 * len(scenes)),
                             squeeze=False)
    for row, scene in enumerate(scenes):
        cube, mask = load_had_mat(osp.join(root, f'{scene}.mat'))
        panels = [(f'{scene}', false_colour(cube.astype(np.float32)), None),
                  (f'truth ({int(mask.sum())} px)', mask, 'gray')]
        for folder, label in zip(args.maps, labels):
            path = osp.join(folder, f'{scene}.npy')
            if not osp.isfile(path):
                raise FileNotFoundError(f'{path} missing (run tools/analysis/had_protocol.py)')
            amap = np.load(path)
            if amap.shape != mask.shape:
                raise ValueError(f'{path}: map {amap.shape} vs ground truth {mask.shape}')
            panels.append((f'{label} {auc_df(amap, mask):.4f}', amap, 'jet'))
        for ax, (title, img, cmap) in zip(axes[row], panels):
            ax.imshow(img, cmap=cmap, interpolation='nearest')
            ax.set_title(title, fontsize=7)
            ax.axis('off')
    fig.tight_layout()
    fig.savefig(args.out, dpi=args.dpi)
    print(f'show_anomaly_map: wrote {args.out} ({len(scenes)} scenes x {cols} panels)')


if __name__ == '__main__':
    main()
