"""Class activation maps of an rszoo classifier on one image, with the
``grad-cam`` package (``pytorch_grad_cam``), as mmpretrain's
``tools/visualization/vis_cam.py`` draws them.

    python tools/visualization/vis_cam.py IMG CONFIG CHECKPOINT [--out cam.png] \
        [--method GradCAM|GradCAM++|XGradCAM|EigenCAM|LayerCAM|ScoreCAM|...] \
        [--target-layers backbone.layer4] [--target-category 3] \
        [--eigen-smooth] [--aug-smooth] [--bands 3 2 1] [--preview-model] \
        [--device cpu] [--cfg-options k=v ...]

The model is built from CONFIG with CHECKPOINT loaded strictly and the
config's test pipeline is applied (:class:`rszoo.apis.ImageClassificationInferencer`);
the CAM is taken through ``model(data_preprocessor(x), mode='tensor')``,
the logits. Methods: R. R. Selvaraju et al., "Grad-CAM", ICCV 2017 (the
default); A. Chattopadhay et al., "Grad-CAM++", WACV 2018; and the others of
``pytorch_grad_cam``.

Without ``--target-layers`` the target is the backbone's last stage: the
last module directly under the backbone (``nn.ModuleList`` / ``nn.Sequential``
stages looked into) whose output is a ``B x C x H x W`` map with ``H, W > 1``
(ResNet: ``backbone.layer4``). Transformer token outputs (``B x L x C``) are
reshaped to a square map after dropping ``--num-extra-tokens`` (default: the
backbone's ``num_extra_tokens``, else 0). Without ``--target-category`` the
CAM is of the predicted class. The overlay is drawn on the test-pipeline
image (any band count: ``--bands``, else the test data set's RGB bands, else
the first three; :func:`rszoo.visualization.to_display_rgb`)
and written to ``--out`` (default ``<image name>_<method>.png``).
"""
import argparse
import math
import os.path as osp

from rszoo.utils.tool_setup import prepare_tool

if __name__ == '__main__':
    prepare_tool()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import pseudo_collate  # noqa: E402

from rszoo.utils import register_all_modules  # noqa: E402
from rszoo.utils.config_utils import merge_cfg_options  # noqa: E402
from rszoo.visualization import (dataset_bands, save_rgb, tensor_to_hwc,  # noqa: E402
                                 to_display_rgb)

_CAM_CLASSES = ('GradCAM', 'GradCAMPlusPlus', 'XGradCAM', 'EigenCAM', 'EigenGradCAM',
                'LayerCAM', 'HiResCAM', 'GradCAMElementWise', 'ScoreCAM', 'AblationCAM',
                'KPCA_CAM', 'ShapleyCAM')


def cam_methods():
    """``lower-case name -> CAM class`` of ``pytorch_grad_cam`` (plus ``gradcam++``)."""
    try:
        import pytorch_grad_cam
    except ImportError as error:
        raise ImportError('vis_cam needs the grad-cam package: pip install grad-cam') from error
    methods = {name.lower(): getattr(pytorch_grad_cam, name)
               for name in _CAM_CLASSES if hasattr(pytorch_grad_cam, name)}
    methods['gradcam++'] = methods['gradcamplusplus']
    return methods


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Class activation maps of an rszoo model')
    parser.add_argument('img', help='image file')
    parser.add_argument('config', help='config file of the model')
    parser.add_argument('checkpoint', help='checkpoint file (loaded strictly)')
    parser.add_argument('--out', help='overlay PNG (default: <image name>_<method>.png)')
    parser.add_argument('--method', default='GradCAM',
                        help='CAM method (case-insensitive): GradCAM, GradCAM++, XGradCAM, '
                        'EigenCAM, EigenGradCAM, LayerCAM, HiResCAM, ScoreCAM, ...')
    parser.add_argument('--target-layers', nargs='+', default=[],
                        help='module names, e.g. backbone.layer4 (see --preview-model); '
                        'default: the backbone\'s last stage')
    parser.add_argument('--target-category', nargs='+', type=int, default=[],
                        help='class index(es) whose CAM to draw (default: the prediction; '
                        'several are averaged)')
    parser.add_argument('--eigen-smooth', action='store_true',
                        help='first principal component of cam_weights * activations')
    parser.add_argument('--aug-smooth', action='store_true',
                        help='average over test-time augmentations (flips, scales)')
    parser.add_argument('--num-extra-tokens', type=int,
                        help='class/distillation tokens to drop from B x L x C outputs')
    parser.add_argument('--bands', nargs='+',
                        help='bands of the background picture (one or three; indices or names)')
    parser.add_argument('--channel-order', default='BGR', choices=['BGR', 'RGB'],
                        help='order of 3-band 8-bit images in the pipeline (LoadRSImage: BGR)')
    parser.add_argument('--alpha', type=float, default=0.5,
                        help='weight of the image in the overlay (1 - weight of the heat map)')
    parser.add_argument('--preview-model', action='store_true',
                        help='print the model\'s module names and exit')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1, ...')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    args = parser.parse_args(argv)
    if args.method.lower() not in cam_methods():
        parser.error(f'unknown --method {args.method}; choose from {sorted(cam_methods())}')
    if not 0. <= args.alpha <= 1.:
        parser.error(f'--alpha must be in [0, 1], got {args.alpha}')
    return args


class LogitsModel(torch.nn.Module):
    """``forward(x) = model(x, mode='tensor')``: the classifier's logits
    ``(B, num_classes)`` for an already preprocessed ``(B, C, H, W)`` batch."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, inputs):
        return self.model(inputs, mode='tensor')


def get_layer(model, name):
    modules = dict(model.named_modules())
    if name not in modules:
        close = [n for n in modules if n.endswith(name.split('.')[-1])][:8]
        raise KeyError(f'the model has no module "{name}"' +
                       (f'; similar: {close}' if close else '') +
                       ' (run with --preview-model to list them)')
    return modules[name]


def _stage_candidates(module, prefix):
    for name, child in module.named_children():
        full = f'{prefix}.{name}'
        if isinstance(child, torch.nn.ModuleList):
            yield from _stage_candidates(child, full)
        else:
            yield full, child


def default_target_layer(model, inputs):
    """``(name, module)`` of the backbone's last stage (see the module doc),
    found by one forward pass with hooks on the backbone's children."""
    if not hasattr(model, 'backbone'):
        raise ValueError(f'{type(model).__name__} has no backbone: give --target-layers')
    outputs = []
    hooks = []
    for name, module in _stage_candidates(model.backbone, 'backbone'):
        def hook(_, __, out, name=name, module=module):  # records (name, module) in call order
            out = out[-1] if isinstance(out, (tuple, list)) and out else out
            if torch.is_tensor(out) and out.dim() == 4 and min(out.shape[2:]) > 1:
                outputs.append((name, module))
        hooks.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model.extract_feat(inputs)
    finally:
        for handle in hooks:
            handle.remove()
    if not outputs:
        raise ValueError(f'no module directly under {type(model.backbone).__name__} outputs a '
                         'B x C x H x W map: give --target-layers (see --preview-model)')
    return outputs[-1]


def token_reshape(num_extra_tokens):
    """grad-cam ``reshape_transform``: ``B x L x C`` tokens -> ``B x C x h x w``
    (square, after dropping ``num_extra_tokens``); 4-D maps pass unchanged."""
    def reshape(tensor):
        if isinstance(tensor, (tuple, list)):
            tensor = tensor[0]
        if tensor.dim() == 4:
            return tensor
        if tensor.dim() != 3:
            raise ValueError(f'cannot draw a CAM of a {tuple(tensor.shape)} output')
        tokens = tensor[:, num_extra_tokens:, :]
        side = math.isqrt(tokens.shape[1])
        if side * side != tokens.shape[1]:
            raise ValueError(f'{tensor.shape[1]} tokens minus {num_extra_tokens} extra ones is '
                             'not a square number: set --num-extra-tokens')
        return tokens.reshape(tokens.shape[0], side, side, -1).permute(0, 3, 1, 2)
    return reshape


def overlay(picture, cam, alpha=0.5):
    """``alpha * picture + (1 - alpha) * jet(cam)``, ``uint8`` RGB (grad-cam's
    ``show_cam_on_image`` with ``image_weight=alpha``)."""
    from pytorch_grad_cam.utils.image import show_cam_on_image
    return show_cam_on_image(picture.astype(np.float32) / 255., cam, use_rgb=True,
                             image_weight=alpha)


def compute_cam(inferencer, img_path, method='GradCAM', target_layers=(), target_category=(),
                eigen_smooth=False, aug_smooth=False, num_extra_tokens=None):
    """``(cam (H, W) in [0, 1], packed image (H, W, C), scores (num_classes,),
    target layer names)`` of one image at the test pipeline's size."""
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
    model = inferencer.model
    data = inferencer.pipeline(dict(img_path=img_path))
    packed = tensor_to_hwc(data['inputs'])
    inputs = model.data_preprocessor(pseudo_collate([data]), False)['inputs']
    if target_layers:
        names = list(target_layers)
        layers = [get_layer(model, name) for name in names]
    else:
        name, layer = default_target_layer(model, inputs)
        names, layers = [name], [layer]
    if num_extra_tokens is None:
        num_extra_tokens = getattr(getattr(model, 'backbone', None), 'num_extra_tokens', 0)
    wrapped = LogitsModel(model)
    with torch.no_grad():
        scores = wrapped(inputs).softmax(dim=1)[0].cpu()
    bad = [c for c in target_category if not 0 <= c < scores.numel()]
    if bad:
        raise ValueError(f'target category {bad} outside [0, {scores.numel()}) (the model '
                         f'has {scores.numel()} classes)')
    targets = [ClassifierOutputTarget(c) for c in target_category] or None
    cam_class = cam_methods()[method.lower()]
    with cam_class(model=wrapped, target_layers=layers,
                   reshape_transform=token_reshape(num_extra_tokens)) as cam:
        maps = cam(input_tensor=inputs, targets=targets, aug_smooth=aug_smooth,
                   eigen_smooth=eigen_smooth)
    return maps[0], packed, scores, names


def config_bands(cfg, num_bands):
    """``(band_names, rgb_bands)`` of the config's test data set class and its
    ``bands`` selection (:func:`rszoo.visualization.dataset_bands`)."""
    from mmengine.registry import DefaultScope
    from rszoo.registry import DATASETS
    dataset_cfg = (cfg.get('test_dataloader') or {}).get('dataset') or {}
    kind = dataset_cfg.get('type')
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'rszoo')):
        dataset_class = DATASETS.get(kind) if isinstance(kind, str) else kind
    return dataset_bands(dataset_class, dataset_cfg.get('bands'), num_bands)


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    from rszoo.apis import ImageClassificationInferencer
    if not osp.isfile(args.img):
        raise FileNotFoundError(f'image {args.img} does not exist')
    cfg = Config.fromfile(args.config)
    merge_cfg_options(cfg, args.cfg_options)
    inferencer = ImageClassificationInferencer(cfg, pretrained=args.checkpoint,
                                               device=args.device, channels_last=False)
    if args.preview_model:
        print(inferencer.model)
        print('\nmodule names for --target-layers:')
        print('\n'.join(n for n, _ in inferencer.model.named_modules() if n))
        return None
    cam, packed, scores, names = compute_cam(
        inferencer, args.img, args.method, args.target_layers, args.target_category,
        args.eigen_smooth, args.aug_smooth, args.num_extra_tokens)
    classes = inferencer.classes

    def named(c):
        return f'{c} ({classes[c]})' if classes else str(c)

    pred = int(scores.argmax())
    target = ', '.join(named(c) for c in args.target_category) or named(pred)
    band_names, rgb_bands = config_bands(cfg, packed.shape[2])
    picture = to_display_rgb(packed, bands=args.bands, band_names=band_names,
                             rgb_bands=rgb_bands, channel_order=args.channel_order)
    out = args.out or f'{osp.splitext(osp.basename(args.img))[0]}_{args.method.lower()}.png'
    save_rgb(overlay(picture, cam, args.alpha), out)
    print(f'{args.method} of {target} at {", ".join(names)}; predicted {named(pred)} '
          f'({float(scores[pred]):.3f}); saved to {out}')
    return dict(out=out, cam=cam, pred=pred, target_layers=names)


if __name__ == '__main__':
    main()
