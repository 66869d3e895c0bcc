"""SAR-Net: a one-stage detector with the Unity Compensation Mechanism and
the Direction-aware Attention Module between its FPN and its head.

Cao, Lei, Xie, Zhang, Li, Li, "SAR-Net: Multi-scale Direction-aware SAR
Network via Global Information Fusion", arXiv 2312.16943 (SAR ships: SSDD,
HRSID; aircraft: SAR-AIRcraft-1.0). The abstract does not name the host
detector and no code is public; rszoo hosts it on FCOS (``configs/sarnet/
README.md``). The feature path for an ``(N, 3, H, W)`` input::

    C3..C5 = backbone(x)                       strides 8, 16, 32
    P3..P7 = neck(C3..C5)                      FPN (+ P6, P7), all C channels
    U_i    = UCM(P)_i                          MAM -> MFM -> MEM: global fusion fed
                                               back into every level, shapes kept
    D_i    = DAM(U)_i                          direction-aware attention per level
    head(D)                                    FCOS: classes, boxes, centre-ness

``ucm=None`` / ``dam=None`` drop a module (ablations); with both None SAR-Net
is its host, :class:`SingleStageDetector`, exactly.
"""
from typing import List, Optional, Tuple, Union

import torch

from rszoo.registry import MODELS
from .single_stage import SingleStageDetector


@MODELS.register_module()
class SARNet(SingleStageDetector):
    """SAR-Net (module docstring).

    Args:
        backbone (dict): returns C3-C5.
        neck (dict | list[dict]): the host's neck (FPN).
        bbox_head (dict): the host's dense head (FCOS).
        ucm (dict, optional): the Unity Compensation Mechanism
            (:class:`~rszoo.models.necks.UCM`); None drops it.
        dam (dict, optional): the Direction-aware Attention Module
            (:class:`~rszoo.models.necks.DAM`); None drops it.
        train_cfg, test_cfg, data_preprocessor, init_cfg: as
            :class:`SingleStageDetector`.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Union[dict, List[dict]],
                 bbox_head: dict,
                 ucm: Optional[dict] = None,
                 dam: Optional[dict] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(backbone=backbone, bbox_head=bbox_head, neck=neck,
                         train_cfg=train_cfg, test_cfg=test_cfg,
                         data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.ucm = MODELS.build(ucm) if ucm is not None else None
        self.dam = MODELS.build(dam) if dam is not None else None

    def extract_feat(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Backbone -> FPN -> UCM -> DAM (module docstring)."""
        feats = super().extract_feat(inputs)
        if self.ucm is not None:
            feats = tuple(self.ucm(feats))
        if self.dam is not None:
            feats = tuple(self.dam(feats))
        return feats
