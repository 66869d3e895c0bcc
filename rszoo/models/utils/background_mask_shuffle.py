"""Background masking and patch shuffling: the input corruption of SSKDNet.

Y. Zhao, J. Liu, J. Yang, Z. Wu, "Remote Sensing Image Scene Classification
via Self-Supervised Learning and Knowledge Distillation", Remote Sensing
14(19):4813, 2022 (SSKDNet). The self-supervised branch of SSKDNet "learns to
restore the low-level feature maps after background masking and shuffling".
This module makes that corrupted input. It works on the batch that leaves the
data preprocessor (normalised images), not inside the backbone, and has no
parameters.

1. **Background mask.** In ``mode='attention'`` the background is read off an
   attention map of the backbone on the clean images: the channel mean of a
   late-stage feature map ``F`` of shape ``(N, C, h, w)``, upsampled
   bilinearly to the image size,

       A = upsample(mean_c F[:, c])                      (N, H, W)

   and the ``K = round(mask_ratio * H * W)`` pixels of each image with the
   lowest ``A`` are the background, ``M = 1`` there (``torch.topk`` of
   ``-A``: exactly ``K`` pixels per image). In ``mode='random'`` (no attention
   needed) the image is cut into a ``random_grid x random_grid`` grid of
   blocks and ``round(mask_ratio * random_grid**2)`` random blocks are masked.
   Masked pixels (all channels) are set to ``fill_value`` (0 = the dataset
   mean after the preprocessor's normalisation):

       X_m = X * (1 - M) + fill_value * M

2. **Patch shuffle.** ``X_m`` is cut into a ``grid_size x grid_size`` grid of
   equal patches (``H`` and ``W`` divisible by ``grid_size``), flattened row
   by row into ``P = grid_size**2`` patches, and the patches of each image are
   permuted by an independent random permutation ``perm`` (N, P): output
   patch ``j`` is input patch ``perm[n, j]``. :meth:`shuffle_patches` applies
   a given permutation to any ``(N, C, H', W')`` tensor, e.g. a feature map,
   to move it into the same layout.

Shapes:
    images ``(N, C, H, W)`` -> corrupted images ``(N, C, H, W)``, mask
    ``(N, 1, H, W)`` bool (True = masked), perm ``(N, grid_size**2)`` long.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class BackgroundMaskShuffle(nn.Module):
    """Mask the background of a batch of images, then shuffle a grid of patches.

    Args:
        mask_ratio (float): share of each image's pixels masked, in [0, 1).
            Defaults to 0.25.
        grid_size (int): k of the k x k patch grid that is shuffled; 1 turns
            the shuffle off. Defaults to 4.
        mode (str): ``'attention'`` (lowest-attention pixels are background;
            needs the backbone feature) or ``'random'`` (random blocks).
            Defaults to ``'attention'``.
        random_grid (int): blocks per side of the random mask of
            ``mode='random'`` (and of the fallback when no feature is given
            and ``fallback_to_random=True``). Defaults to 8.
        fill_value (float): value written into masked pixels. Defaults to 0.
        fallback_to_random (bool): in ``mode='attention'``, use the random
            mask when :meth:`forward` gets no attention feature instead of
            raising. Defaults to False.
    """

    MODES = ('attention', 'random')

    def __init__(self,
                 mask_ratio: float = 0.25,
                 grid_size: int = 4,
                 mode: str = 'attention',
                 random_grid: int = 8,
                 fill_value: float = 0.,
                 fallback_to_random: bool = False):
        super().__init__()
        if not 0. <= mask_ratio < 1.:
            raise ValueError(f'BackgroundMaskShuffle: mask_ratio must be in [0, 1), '
                             f'got {mask_ratio}')
        if not (isinstance(grid_size, int) and grid_size >= 1):
            raise ValueError(f'BackgroundMaskShuffle: grid_size must be an int >= 1, '
                             f'got {grid_size!r}')
        if mode not in self.MODES:
            raise ValueError(f'BackgroundMaskShuffle: mode must be one of {self.MODES}, '
                             f'got {mode!r}')
        if not (isinstance(random_grid, int) and random_grid >= 1):
            raise ValueError(f'BackgroundMaskShuffle: random_grid must be an int >= 1, '
                             f'got {random_grid!r}')
        self.mask_ratio = mask_ratio
        self.grid_size = grid_size
        self.mode = mode
        self.random_grid = random_grid
        self.fill_value = fill_value
        self.fallback_to_random = fallback_to_random

    # ------------------------------------------------------------------ masks
    @staticmethod
    def attention_map(feature: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
        """Channel mean of ``feature`` (N, C, h, w), bilinearly upsampled to
        ``size`` (H, W): ``(N, H, W)``, no gradient."""
        if feature.dim() != 4:
            raise ValueError('BackgroundMaskShuffle: the attention feature must be '
                             f'(N, C, h, w), got shape {tuple(feature.shape)}')
        with torch.no_grad():
            att = feature.detach().float().mean(dim=1, keepdim=True)
            att = F.interpolate(att, size=size, mode='bilinear', align_corners=False)
        return att[:, 0]

    def num_masked(self, height: int, width: int) -> int:
        """Pixels masked per image in ``mode='attention'``."""
        return int(round(self.mask_ratio * height * width))

    def attention_mask(self, attention: torch.Tensor) -> torch.Tensor:
        """Bool mask ``(N, 1, H, W)``: the ``num_masked(H, W)`` lowest-attention
        pixels of each ``(H, W)`` map of ``attention`` (N, H, W)."""
        n, h, w = attention.shape
        k = self.num_masked(h, w)
        mask = torch.zeros(n, h * w, dtype=torch.bool, device=attention.device)
        if k > 0:
            lowest = torch.topk(attention.reshape(n, h * w), k, dim=1, largest=False).indices
            mask.scatter_(1, lowest, True)
        return mask.view(n, 1, h, w)

    def random_mask(self, n: int, height: int, width: int,
                    device: torch.device) -> torch.Tensor:
        """Bool mask ``(N, 1, H, W)`` of ``round(mask_ratio * g**2)`` random
        blocks of a ``g x g`` grid (``g = random_grid``; block borders at
        ``floor(i * H / g)``)."""
        g = self.random_grid
        k = int(round(self.mask_ratio * g * g))
        blocks = torch.zeros(n, g * g, dtype=torch.bool, device=device)
        if k > 0:
            chosen = torch.rand(n, g * g, device=device).argsort(dim=1)[:, :k]
            blocks.scatter_(1, chosen, True)
        blocks = blocks.view(n, 1, g, g).float()
        return F.interpolate(blocks, size=(height, width), mode='nearest').bool()

    def background_mask(self, images: torch.Tensor,
                        attention_feature: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The mask ``(N, 1, H, W)`` (True = background, to be masked)."""
        n, _, h, w = images.shape
        if self.mode == 'attention':
            if attention_feature is not None:
                return self.attention_mask(self.attention_map(attention_feature, (h, w)))
            if not self.fallback_to_random:
                raise ValueError("BackgroundMaskShuffle(mode='attention') needs the "
                                 'backbone attention feature; pass it, use '
                                 "mode='random', or set fallback_to_random=True")
        return self.random_mask(n, h, w, images.device)

    # ---------------------------------------------------------------- shuffle
    def random_permutation(self, n: int, device: torch.device) -> torch.Tensor:
        """An independent random permutation of the ``grid_size**2`` patches
        per image: ``(N, grid_size**2)`` long."""
        return torch.rand(n, self.grid_size**2, device=device).argsort(dim=1)

    def shuffle_patches(self, x: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
        """Permute the ``grid_size x grid_size`` patches of ``x`` (N, C, H, W):
        output patch ``j`` (row-major) is input patch ``perm[n, j]``."""
        k = self.grid_size
        n, c, h, w = x.shape
        if h % k or w % k:
            raise ValueError(f'BackgroundMaskShuffle: a {h}x{w} map cannot be cut into a '
                             f'{k}x{k} grid of equal patches (grid_size={k} must divide '
                             'the height and width)')
        if perm.shape != (n, k * k):
            raise ValueError(f'BackgroundMaskShuffle: perm must have shape {(n, k * k)}, '
                             f'got {tuple(perm.shape)}')
        ph, pw = h // k, w // k
        patches = x.reshape(n, c, k, ph, k, pw).permute(0, 2, 4, 1, 3, 5)
        patches = patches.reshape(n, k * k, c, ph, pw)
        index = perm.view(n, k * k, 1, 1, 1).expand(-1, -1, c, ph, pw)
        shuffled = torch.gather(patches, 1, index)
        shuffled = shuffled.reshape(n, k, k, c, ph, pw).permute(0, 3, 1, 4, 2, 5)
        return shuffled.reshape(n, c, h, w)

    # ---------------------------------------------------------------- forward
    def forward(
        self,
        images: torch.Tensor,
        attention_feature: Optional[torch.Tensor] = None
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Mask, then shuffle.

        Args:
            images: ``(N, C, H, W)`` normalised images.
            attention_feature: ``(N, C', h, w)`` late-stage backbone feature of
                the clean images (``mode='attention'``); detached here.

        Returns:
            ``(corrupted, mask, perm)``: ``(N, C, H, W)`` images, ``(N, 1, H, W)``
            bool mask on the unshuffled layout, ``(N, grid_size**2)``
            permutation.
        """
        if images.dim() != 4:
            raise ValueError('BackgroundMaskShuffle: images must be (N, C, H, W), got '
                             f'shape {tuple(images.shape)}')
        mask = self.background_mask(images, attention_feature)
        masked = images.masked_fill(mask, self.fill_value)
        perm = self.random_permutation(images.size(0), images.device)
        return self.shuffle_patches(masked, perm), mask, perm

    def extra_repr(self) -> str:
        return (f'mode={self.mode!r}, mask_ratio={self.mask_ratio}, '
                f'grid_size={self.grid_size}, random_grid={self.random_grid}, '
                f'fill_value={self.fill_value}')
