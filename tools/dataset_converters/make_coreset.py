"""Score a recorded training run with TDDS and write coreset index files.

TDDS: X. Zhang et al., "Spanning Training Progress: Temporal Dual-Depth Scoring
(TDDS) for Enhanced Dataset Pruning", CVPR 2024. The trajectory comes from a run
with ``TDDSTrajectoryHook`` (``configs/tdds/*_record.py``); the files feed
``CoresetDataset`` (``configs/tdds/*_keep*.py``).

Examples (from the repository root)::

    # 30 % and 50 % kept; T=30 epochs, window W=10, beta=0.9 (the defaults);
    # a random subset of the same size (seed 0) for each ratio
    python tools/dataset_converters/make_coreset.py \\
        work_dirs/tdds_resnet18_scratch_aid150-20-80_64px_1xb32_40e_record/tdds_trajectory.npz \\
        --keep-ratio 0.3 0.5

    # other settings; the plain-KL contribution instead of the authors' |.|
    python tools/dataset_converters/make_coreset.py TRAJECTORY --keep-ratio 0.3 \\
        --epochs 20 --window 5 --decay 0.9 --contribution kl --random-seed 0 1 2 \\
        --out-dir work_dirs/coresets

Writes into ``--out-dir`` (default: ``coresets/`` next to the trajectory):

- ``tdds_keep{P}.json``: the ``round(P/100 * N)`` samples with the highest TDDS
  scores (``--contribution kl`` adds ``-kl``: ``tdds-kl_keep{P}.json``);
- ``random_keep{P}_seed{S}.json``: as many samples drawn uniformly with seed ``S``;
- ``tdds_scores.npy`` (``tdds-kl_scores.npy``): the ``(N,)`` float64 scores.

``P`` is the kept percentage (``0.3`` -> ``30``). The file format is in
:mod:`rszoo.datasets.pruning.coreset`.
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Score the samples of a recorded run with TDDS (CVPR 2024) and write '
        'coreset index files (TDDS and random, same size) for CoresetDataset.')
    parser.add_argument('trajectory',
                        help='tdds_trajectory.npz of the recording run\'s work dir, or a '
                        'checkpoint (.pth) of that run')
    parser.add_argument('--keep-ratio', type=float, nargs='+', required=True,
                        help='share(s) of the samples KEPT, in (0, 1] (the authors\' '
                        '--subset_rate r is the share removed: keep = 1 - r)')
    parser.add_argument('--epochs', type=int, default=30,
                        help='T: score the first T recorded epochs (default: 30, the '
                        'authors\' README)')
    parser.add_argument('--window', type=int, default=10,
                        help='W: sliding-window length in epochs (default: 10)')
    parser.add_argument('--decay', type=float, default=0.9,
                        help='beta of the moving average over windows (default: 0.9)')
    parser.add_argument('--contribution', choices=('abs', 'kl'), default='abs',
                        help='abs: |.| on each class term, as the authors\' code '
                        '(default); kl: plain KL(p_{t+1} || p_t)')
    parser.add_argument('--random-seed', type=int, nargs='*', default=[0],
                        help='seed(s) of the random subsets of the same sizes (default: '
                        '0; none: no random subset)')
    parser.add_argument('--out-dir', default=None,
                        help='folder of the files (default: coresets/ next to the '
                        'trajectory)')
    return parser.parse_args(argv)


def percent(keep_ratio: float) -> str:
    """``0.3`` -> ``'30'``, ``0.125`` -> ``'12.5'``."""
    return f'{round(keep_ratio * 100, 6):g}'


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)

    import numpy as np

    from rszoo.datasets.pruning import (keep_count, random_subset, select_highest,
                                        tdds_scores, write_coreset_file)
    from rszoo.engine.hooks.tdds_trajectory_hook import load_tdds_trajectory
    from rszoo.fileio import atomic_save_npy, resolve_path

    path = resolve_path(args.trajectory)
    try:
        trajectory = load_tdds_trajectory(path)
    except (FileNotFoundError, ValueError) as error:
        raise SystemExit(str(error)) from None
    size, recorded = int(trajectory['dataset_size']), int(trajectory['epochs'])
    if args.epochs > recorded:
        raise SystemExit(f'{path}: {recorded} epoch(s) recorded, --epochs {args.epochs} '
                         'asks for more (score fewer epochs or record longer)')
    for ratio in args.keep_ratio:
        if not 0.0 < ratio <= 1.0:
            raise SystemExit(f'--keep-ratio {ratio}: must be in (0, 1] (the share kept)')
    key = 'contribution_abs' if args.contribution == 'abs' else 'contribution_kl'
    try:
        scores = tdds_scores(trajectory[key], window=args.window, decay=args.decay,
                             num_epochs=args.epochs)
    except ValueError as error:
        raise SystemExit(f'{path}: {error}') from None

    out_dir = args.out_dir or osp.join(osp.dirname(path), 'coresets')
    method = 'tdds' if args.contribution == 'abs' else 'tdds-kl'
    fingerprint = trajectory.get('fingerprint') or None
    labels = np.asarray(trajectory['labels'])
    num_classes = max(int(trajectory['num_classes']), int(labels.max()) + 1, 0)
    params = dict(epochs=args.epochs, window=args.window, decay=args.decay,
                  contribution=args.contribution, eps=float(trajectory['eps']),
                  dataset_type=str(trajectory.get('dataset_type', '')))
    atomic_save_npy(scores, osp.join(out_dir, f'{method}_scores.npy'))
    print(f'{path}: N={size} samples, {recorded} epochs recorded; TDDS scores over '
          f'T={args.epochs}, W={args.window}, beta={args.decay}, contribution '
          f'{args.contribution}')

    def report(name, indices, file):
        kept = labels[indices]
        counts = np.bincount(kept[kept >= 0], minlength=num_classes)
        spread = (f'; per class min {counts.min()} / max {counts.max()} over '
                  f'{len(counts)} classes' if len(counts) and (kept >= 0).any() else '')
        print(f'{name:>8s}: {len(indices):6d} of {size} kept{spread} -> {file}')

    for ratio in args.keep_ratio:
        tag = percent(ratio)
        kept = select_highest(scores, ratio)
        file = osp.join(out_dir, f'{method}_keep{tag}.json')
        write_coreset_file(file, kept, size, method=method, keep_ratio=ratio,
                           fingerprint=fingerprint, params=params, source=path)
        report(method, kept, file)
        for seed in args.random_seed:
            drawn = random_subset(size, keep_count(size, ratio), seed)
            file = osp.join(out_dir, f'random_keep{tag}_seed{seed}.json')
            write_coreset_file(file, drawn, size, method='random', keep_ratio=ratio,
                               fingerprint=fingerprint, params=dict(seed=seed),
                               source=path)
            report('random', drawn, file)
    return 0


if __name__ == '__main__':
    sys.exit(main())
