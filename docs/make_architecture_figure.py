"""Draw docs/architecture.png: rszoo's layers, bottom (imported by all) to top
(imports the rest), and the rooms where new task families go.

    python docs/make_architecture_figure.py [--out docs/architecture.png]

Solid boxes exist in the package; dashed boxes are the named rooms still to be
filled (docs/architecture.md says what goes in each).
"""
import argparse
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

#: (row, label, [(room, planned), ...]) from the top row to the bottom one
LAYERS = [
    ('entry points', [('tools/  train, test, infer, analysis, converters', False),
                      ('configs/  _base_/{models,datasets,schedules} + one folder a method',
                       False)]),
    ('apps', [('rszoo/apis  model zoo, inference, download', False),
              ('rszoo/federated  Flower client / server apps', False),
              ('rszoo/visualization', False)]),
    ('engine', [('engine/hooks  checkpoint, RNG, channels-last, ZSL fit, TDDS, bytes', False),
                ('engine/hooks  compression: fake quantisation', False),
                ('engine/comm_hooks  DDP communication: RS-DGC, top-k', False)]),
    ('evaluation', [('evaluation/metrics  OA, OA/AA/kappa, ZSL, IoU, COCO mAP, ROC-AUC', False),
                    ('evaluation/functional', False)]),
    ('algorithms', [('models/classifiers', False), ('models/selfsup', False),
                    ('models/segmentors', False), ('models/detectors', False),
                    ('models/anomaly_detectors', False), ('models/compression', False)]),
    ('components', [('models/{backbones, necks, heads, losses}', False),
                    ('models/dense_heads', False),
                    ('models/task_modules/{assigners, coders}', False),
                    ('models/data_preprocessors  vae, class_embeddings, utils', False)]),
    ('data', [('structures  DataSample fields: gt_/pred_label, _sem_seg, _instances', False),
              ('datasets  + transforms, samplers, zeroshot, selfsup, multimodal, pruning', False)]),
    ('utils', [('rszoo/utils  compat (stack fixes), setup_env, records', False)]),
    ('ground floor', [('rszoo/fileio.py  REPO_ROOT, resolve_path, data_root, atomic writes',
                       False),
                      ('rszoo/registry.py  children of mmpretrain / mmengine registries',
                       False)]),
]
COLOURS = {'entry points': '#f2e6d9', 'apps': '#e3ecf7', 'engine': '#e8e3f3',
           'evaluation': '#f7e3e8', 'algorithms': '#e0f0e3', 'components': '#eef6e0',
           'data': '#fdf3d6', 'utils': '#ececec', 'ground floor': '#dcdcdc'}


def draw(out: str) -> None:
    width, row_h, gap, label_w = 15.0, 0.8, 0.18, 1.7
    fig_h = len(LAYERS) * (row_h + gap) + 0.9
    fig, ax = plt.subplots(figsize=(width, fig_h))
    ax.set_xlim(0, width)
    ax.set_ylim(0, fig_h)
    ax.axis('off')
    for i, (layer, rooms) in enumerate(LAYERS):
        y = fig_h - 0.75 - (i + 1) * (row_h + gap) + gap
        ax.text(label_w - 0.15, y + row_h / 2, layer, ha='right', va='center',
                fontsize=10, fontweight='bold')
        x, room_w = label_w, (width - label_w - 0.1) / len(rooms)
        for room, planned in rooms:
            box = FancyBboxPatch((x + 0.05, y), room_w - 0.1, row_h,
                                 boxstyle='round,pad=0.02,rounding_size=0.08',
                                 facecolor='white' if planned else COLOURS[layer],
                                 edgecolor='#555555', linewidth=1.0,
                                 linestyle='--' if planned else '-')
            ax.add_patch(box)
            ax.text(x + room_w / 2, y + row_h / 2, room.replace('  ', '\n'), ha='center',
                    va='center', fontsize=7.5, wrap=True,
                    style='italic' if planned else 'normal')
            x += room_w
    ax.text(width / 2, fig_h - 0.35,
            'rszoo layers: a module imports the layers below it '
            '(dashed: rooms named for the next task families)',
            ha='center', va='center', fontsize=11)
    fig.savefig(out, dpi=110, bbox_inches='tight')
    plt.close(fig)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default=osp.join(osp.dirname(osp.abspath(__file__)),
                                                  'architecture.png'))
    args = parser.parse_args(argv)
    draw(args.out)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
