"""``AttentionConcentration``: DSVA's crop of the most attended image region.

DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing
Image Scene Classification") concentrates on informative regions: from the
attribute attention maps it takes a box, crops it from the input image,
upsamples it to the input size and classifies the crop again; the crop's class
scores are fused with the global ones (in the classifier).

Steps, for attention maps ``M`` (N, A, h, w) and attribute scores ``a`` (N, A)
of images ``x`` (N, C, H, W):

1. Selection: the ``top_k`` attributes of each image by ``a`` (all ``A`` when
   ``top_k`` is None).
2. Each selected map is min-max normalised to [0, 1] (``normalize_maps``; the
   authors do the same), then they are averaged: ``S`` (N, h, w).
3. ``S`` is upsampled to ``H x W`` (bilinear, ``align_corners=False``) and the
   ``round(r H) x round(r W)`` window (``r = window_ratio``) with the largest
   sum of ``S`` is found exactly with an integral image (summed-area table)::

       I[y, x] = sum_{y' < y, x' < x} S[y', x']
       win(y0, x0) = I[y0+wh, x0+ww] - I[y0, x0+ww] - I[y0+wh, x0] + I[y0, x0]
       (y0, x0) = argmax win   (ties: the first in row-major order)

   The box is ``(x0, y0, x1, y1) = (x0, y0, x0 + ww, y0 + wh)`` in pixels,
   ``x1``/``y1`` exclusive: always inside the image.
4. ``x[:, :, y0:y1, x0:x1]`` is resized to ``out_size`` (default: ``H x W``)
   with bilinear interpolation (``align_corners=False``).

Difference from the authors' code (``CLIP_proto.get_proposal``): they pick one
attribute per attribute group (the group's highest score; 3 groups), threshold
the averaged map at ``mean * pro_thr`` and take the bounding box of the largest
connected component (``skimage.measure``). rszoo uses a fixed-size window of
maximal attention mass instead (no thresholds, no connected components, no
scikit-image); ``top_k=3`` picks three attributes as their three groups do.
The box is not differentiable (an arg-max), as theirs is not.

Shapes: attention (N, A, h, w); scores (N, A); images (N, C, H, W);
boxes (N, 4) long; crops (N, C, *out_size); summed maps (N, h, w).
"""
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from rszoo.registry import MODELS


def _pair(value, name: str) -> Optional[Tuple[int, int]]:
    if value is None:
        return None
    if isinstance(value, int):
        value = (value, value)
    value = tuple(int(v) for v in value)
    if len(value) != 2 or min(value) < 1:
        raise ValueError(f'AttentionConcentration: {name} must be a positive int or '
                         f'(height, width), got {value}')
    return value


@MODELS.register_module()
class AttentionConcentration(nn.Module):
    """Find and crop the most attended window (module doc).

    Args:
        window_ratio (float | tuple): window side as a fraction of the image
            side, in (0, 1]; a pair is (height, width). Defaults to 0.5.
        out_size (int | tuple, optional): size of the resized crops; None
            (default) = the input's size (the authors upsample to the 224 px
            input).
        top_k (int, optional): attributes whose maps are averaged, chosen by
            score per image; None = all. Defaults to 3.
        normalize_maps (bool): min-max normalise each map before averaging.
            Defaults to True.
    """

    def __init__(self,
                 window_ratio: Union[float, Sequence[float]] = 0.5,
                 out_size: Union[int, Sequence[int], None] = None,
                 top_k: Optional[int] = 3,
                 normalize_maps: bool = True) -> None:
        super().__init__()
        ratios = (tuple(float(r) for r in window_ratio)
                  if isinstance(window_ratio, (tuple, list)) else
                  (float(window_ratio), float(window_ratio)))
        if len(ratios) != 2 or not all(0 < r <= 1 for r in ratios):
            raise ValueError(f'AttentionConcentration: window_ratio must be in (0, 1], got '
                             f'{window_ratio}')
        if top_k is not None and top_k < 1:
            raise ValueError(f'AttentionConcentration: top_k must be >= 1 or None, got {top_k}')
        self.window_ratio = ratios
        self.out_size = _pair(out_size, 'out_size')
        self.top_k = top_k
        self.normalize_maps = normalize_maps

    # ------------------------------------------------------------------ steps
    def summed_map(self, attention: torch.Tensor,
                   scores: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Steps 1-2: the averaged (normalised) maps of the selected
        attributes, ``(N, h, w)``."""
        if attention.dim() != 4:
            raise ValueError(f'AttentionConcentration: attention of shape '
                             f'{tuple(attention.shape)}; expected (N, A, h, w)')
        maps = attention.detach().float()
        n, num_attr = maps.shape[:2]
        if self.top_k is not None and self.top_k < num_attr:
            if scores is None:
                raise ValueError('AttentionConcentration: top_k is set, so the attribute '
                                 'scores (N, A) are needed to choose the maps')
            if tuple(scores.shape) != (n, num_attr):
                raise ValueError(f'AttentionConcentration: scores of shape '
                                 f'{tuple(scores.shape)}; expected ({n}, {num_attr})')
            index = scores.detach().topk(self.top_k, dim=1).indices
            maps = maps[torch.arange(n, device=maps.device)[:, None], index]
        if self.normalize_maps:
            flat = maps.flatten(2)
            low = flat.min(dim=2, keepdim=True).values
            span = (flat.max(dim=2, keepdim=True).values - low).clamp_min(1e-12)
            maps = ((flat - low) / span).view_as(maps)
        return maps.mean(dim=1)

    def window_size(self, image_size: Tuple[int, int]) -> Tuple[int, int]:
        """``(wh, ww)``: the window in pixels for an ``H x W`` image."""
        height, width = image_size
        return (min(height, max(1, int(round(self.window_ratio[0] * height)))),
                min(width, max(1, int(round(self.window_ratio[1] * width)))))

    def window_box(self, summed: torch.Tensor, image_size: Tuple[int, int]) -> torch.Tensor:
        """Step 3: boxes ``(N, 4)`` = ``(x0, y0, x1, y1)`` (long, pixels, x1/y1
        exclusive) of the windows of maximal upsampled attention."""
        if summed.dim() != 3:
            raise ValueError(f'AttentionConcentration: summed map of shape '
                             f'{tuple(summed.shape)}; expected (N, h, w)')
        height, width = int(image_size[0]), int(image_size[1])
        wh, ww = self.window_size((height, width))
        up = F.interpolate(summed[:, None].float(), size=(height, width), mode='bilinear',
                           align_corners=False)[:, 0].double()
        integral = F.pad(up.cumsum(1).cumsum(2), (1, 0, 1, 0))
        sums = (integral[:, wh:, ww:] - integral[:, :-wh, ww:] - integral[:, wh:, :-ww] +
                integral[:, :-wh, :-ww])  # (N, H - wh + 1, W - ww + 1)
        best = sums.flatten(1).argmax(dim=1)
        y0 = best // sums.size(2)
        x0 = best % sums.size(2)
        return torch.stack([x0, y0, x0 + ww, y0 + wh], dim=1).long()

    def crop(self, images: torch.Tensor, boxes: torch.Tensor,
             out_size: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        """Step 4: each box of each image resized to ``out_size`` (default
        ``self.out_size``, else the input size)."""
        if images.dim() != 4 or boxes.shape != (images.size(0), 4):
            raise ValueError(f'AttentionConcentration: images {tuple(images.shape)} and boxes '
                             f'{tuple(boxes.shape)}; expected (N, C, H, W) and (N, 4)')
        size = out_size or self.out_size or tuple(images.shape[-2:])
        crops = []
        for image, (x0, y0, x1, y1) in zip(images, boxes.tolist()):
            region = image[None, :, y0:y1, x0:x1]
            crops.append(F.interpolate(region, size=size, mode='bilinear',
                                       align_corners=False))
        return torch.cat(crops)

    def forward(self, images: torch.Tensor, attention: torch.Tensor,
                scores: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """Returns:
            dict: ``crops`` (N, C, *out_size), ``boxes`` (N, 4) long
            ``(x0, y0, x1, y1)``, ``summed_map`` (N, h, w).
        """
        if images.dim() != 4 or attention.dim() != 4 or images.size(0) != attention.size(0):
            raise ValueError(f'AttentionConcentration: images {tuple(images.shape)} and '
                             f'attention {tuple(attention.shape)}; expected (N, C, H, W) '
                             'and (N, A, h, w) with the same N')
        summed = self.summed_map(attention, scores)
        boxes = self.window_box(summed, tuple(images.shape[-2:]))
        return dict(crops=self.crop(images, boxes), boxes=boxes, summed_map=summed)

    def extra_repr(self) -> str:
        return (f'window_ratio={self.window_ratio}, out_size={self.out_size}, '
                f'top_k={self.top_k}, normalize_maps={self.normalize_maps}')
