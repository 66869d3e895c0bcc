"""Draw a DSVA model's attribute attention maps over an input image.

    python tools/visualization/show_attribute_attention.py CONFIG CHECKPOINT IMAGE \\
        [--attributes 6] [--out attention.png] [--alpha 0.5] [--device cpu] [--cols 4]

DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing
Image Scene Classification") maps images into an attribute space through
attribute prototypes whose attention maps over the ViT patches show where
each attribute is seen; interpretability is part of the method's claim.

The model is built from CONFIG, CHECKPOINT is loaded strictly
(``torch.load(weights_only=True)``, through
:class:`rszoo.apis.ImageClassificationInferencer`) and the config's test
pipeline and data preprocessor prepare IMAGE. The figure (matplotlib, Agg)
shows the input (title: the predicted class and its score; with attention
concentration, the concentrated window as a box) and the ``--attributes``
attributes with the highest predicted scores, each map (softmax over patches,
bilinearly upsampled to the input size, min-max scaled) overlaid in colour,
titled with the attribute name and score. ``--save-maps FILE.npz`` also writes
the raw maps (``attention`` (A, h, w), ``scores`` (A,), ``attributes``).
"""
import argparse
import math
import os
import os.path as osp
import sys
from typing import List, Optional



def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Overlay the top-k attribute attention maps of a DSVA model on an image')
    parser.add_argument('config', help='config file of the DSVA model')
    parser.add_argument('checkpoint', help='checkpoint file (loaded strictly)')
    parser.add_argument('image', help='input image')
    parser.add_argument('--attributes', '-k', type=int, default=6,
                        help='how many attributes to show (highest predicted scores)')
    parser.add_argument('--out', default='attribute_attention.png', help='output picture')
    parser.add_argument('--alpha', type=float, default=0.5, help='opacity of the maps')
    parser.add_argument('--cols', type=int, default=4, help='panels per row')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, ...')
    parser.add_argument('--save-maps', help='also write the raw maps to this .npz')
    args = parser.parse_args(argv)
    if args.attributes < 1:
        parser.error(f'--attributes must be >= 1, got {args.attributes}')
    if not 0 <= args.alpha <= 1:
        parser.error(f'--alpha must be in [0, 1], got {args.alpha}')
    return args


def upsample_maps(attention, size):
    """``(A, h, w)`` maps -> ``(A, H, W)``, bilinear, each min-max scaled to [0, 1]."""
    import torch.nn.functional as F
    maps = F.interpolate(attention[None].float(), size=size, mode='bilinear',
                         align_corners=False)[0]
    flat = maps.flatten(1)
    low = flat.min(dim=1, keepdim=True).values
    span = (flat.max(dim=1, keepdim=True).values - low).clamp_min(1e-12)
    return ((flat - low) / span).view_as(maps)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np
    import torch
    from matplotlib.patches import Rectangle
    from mmengine.dataset import pseudo_collate

    from rszoo.apis import ImageClassificationInferencer
    from rszoo.datasets.transforms.loading import decode_image
    from rszoo.utils import register_all_modules

    register_all_modules()
    if not osp.isfile(args.image):
        raise SystemExit(f'image {args.image} does not exist')
    inferencer = ImageClassificationInferencer(args.config, args.checkpoint, device=args.device)
    model = inferencer.model
    if not hasattr(model, 'attribute_attention'):
        raise SystemExit(f'{type(model).__name__} has no attribute attention maps (expected a '
                         'DSVA model)')
    data = pseudo_collate([inferencer.pipeline(dict(img_path=args.image))])
    with torch.no_grad():
        data = model.data_preprocessor(data, False)
        out = model.attribute_attention(data['inputs'])
    inputs = data['inputs']
    height, width = inputs.shape[-2:]
    attention, scores = out['attention'][0].cpu(), out['scores'][0].cpu()
    pred_score = out['pred_score'][0].cpu()
    names = list(model.attribute_names)
    k = min(args.attributes, len(names))
    top = scores.topk(k).indices.tolist()
    maps = upsample_maps(attention, (height, width))

    image = np.asarray(decode_image(args.image).convert('RGB').resize((width, height)))
    label = int(pred_score.argmax())
    classes = list(model.class_names)
    title = f'{classes[label]} ({float(pred_score[label]):.2f})'

    panels = k + 1
    cols = max(1, min(args.cols, panels))
    rows = math.ceil(panels / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 3.2 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis('off')
    axes.flat[0].imshow(image)
    axes.flat[0].set_title(f'input: {title}', fontsize=9)
    if 'boxes' in out:
        x0, y0, x1, y1 = out['boxes'][0].tolist()
        axes.flat[0].add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False,
                                         edgecolor='yellow', linewidth=2))
    for ax, index in zip(list(axes.flat)[1:], top):
        ax.imshow(image)
        ax.imshow(maps[index].numpy(), cmap='jet', alpha=args.alpha, vmin=0, vmax=1)
        ax.set_title(f'{names[index]} ({float(scores[index]):.2f})', fontsize=9)
    fig.tight_layout()
    folder = osp.dirname(osp.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    fig.savefig(args.out, dpi=100)
    plt.close(fig)
    if args.save_maps:
        np.savez(args.save_maps, attention=attention.numpy(), scores=scores.numpy(),
                 attributes=np.asarray(names))
    print(f'{args.image}: {title}; top attributes: '
          + ', '.join(f'{names[i]} {float(scores[i]):.2f}' for i in top) + f' -> {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
