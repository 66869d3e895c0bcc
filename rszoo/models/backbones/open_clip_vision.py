"""``OpenCLIPVisionTower``: the image tower of an open_clip ViT as a backbone
that returns patch tokens.

DSVA (Xu et al., "Deep Semantic-Visual Alignment for Zero-Shot Remote Sensing
Image Scene Classification") runs its attribute prototypes on the token grid
of a CLIP ViT image tower (the authors: CLIP ViT-B/32 fine-tuned on RSICD,
"clip-rsicd", 7 x 7 patches at 224 px; the authors' code ``wenjiaXu/RS_Scene_ZSL``). This
wrapper builds any open_clip ViT architecture (name or config dict) offline
through :func:`rszoo.models.class_embeddings.build_open_clip`, keeps only
``model.visual`` and returns its tokens after the final LayerNorm (before the
projection to the joint embedding)::

    x (N, 3, H, W) -> patch tokens (N, L, width),  L = (H / patch) (W / patch)

returned as a one-element tuple, like mmpretrain backbones. The CLS token is
dropped (open_clip's ``'tok'``/``'avg'`` pooling), so ``num_extra_tokens`` is
0. Towers with an attentional pooler (CoCa) return pooler queries, not
patches, and are refused; so are ResNet and timm towers.

Nothing is downloaded: ``pretrained`` is a local open_clip checkpoint file or
None (random weights, for tests).
"""
from typing import Optional, Tuple, Union

import torch
from mmengine.model import BaseModule

from rszoo.registry import MODELS


@MODELS.register_module()
class OpenCLIPVisionTower(BaseModule):
    """Args:
        model_name (str | dict, optional): open_clip architecture (``'ViT-B-32'``)
            or config dict (open_clip's model_configs format).
        model_cfg (dict, optional): open_clip config dict (instead of model_name).
        pretrained (str, optional): local open_clip checkpoint; None = random.
        frozen (bool): no gradients for the tower (``requires_grad=False``).
            Defaults to False.
        init_cfg (dict, optional): mmengine init config (not applied to the
            open_clip weights).
    """

    def __init__(self,
                 model_name: Union[str, dict, None] = None,
                 model_cfg: Optional[dict] = None,
                 pretrained: Optional[str] = None,
                 frozen: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        from open_clip.transformer import VisionTransformer

        from rszoo.models.class_embeddings import build_open_clip
        if isinstance(model_name, dict):
            model_name, model_cfg = None, model_name
        if (model_name is None) == (model_cfg is None):
            raise ValueError('OpenCLIPVisionTower: give exactly one of model_name (an '
                             'open_clip architecture) and model_cfg (a config dict)')
        model, _ = build_open_clip(model_cfg if model_cfg is not None else model_name,
                                   pretrained, 'cpu', 'OpenCLIPVisionTower')
        visual = model.visual
        if not isinstance(visual, VisionTransformer):
            where = model_name or 'the model config'
            raise TypeError(f'OpenCLIPVisionTower: the image tower of {where} is a '
                            f'{type(visual).__name__}; only open_clip VisionTransformer '
                            'towers give patch tokens')
        if getattr(visual, 'attn_pool', None) is not None:
            raise TypeError('OpenCLIPVisionTower: towers with an attentional pooler return '
                            'pooler queries, not patch tokens')
        visual.output_tokens = True
        self.visual = visual
        self.model_name = model_name
        self.pretrained = pretrained
        self.embed_dims = int(visual.transformer.width)
        # 'tok' / 'avg' pooling drop the CLS token from the returned tokens
        self.num_extra_tokens = 1 if getattr(visual, 'pool_type', 'tok') == 'none' else 0
        self.frozen = frozen
        if frozen:
            for param in self.visual.parameters():
                param.requires_grad_(False)
        del model

    def init_weights(self) -> None:
        """The open_clip weights (random or loaded) are kept as they are."""

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        _, tokens = self.visual(x)
        return (tokens, )
