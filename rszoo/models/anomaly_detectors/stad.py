"""STAD: small target aware detector for hyperspectral anomaly detection.

Ma, Xie, Li, "Exploring hyperspectral anomaly detection with human vision: a
small target aware detector", arXiv 2401.01093 (Neural Networks 184, 2025);
authors' code github.com/majitao-xd/STAD-HAD (HEAD 33bf88b). Notes:
the authors' code ``majitao-xd/STAD-HAD``; every choice and departure:
``configs/stad/README.md``.

Two training stages on (B, C, h, w) crops ``X`` with synthetic target masks
``M`` (B, h, w) (:class:`rszoo.models.utils.SyntheticAnomalyMask`):

- ``stage='teacher'``: the transformer teacher ``T`` (:class:`STADTeacher`) sees
  ``X * (1 + M)`` and reconstructs the clean ``X`` at every stage:
  ``L_T = sum_k MSE(T_k(X * (1 + M)), X)``.
- ``stage='student'``: FC-to-conv distillation; the frozen teacher (loaded from
  ``teacher_checkpoint``, the EMA weights when the checkpoint has them) and the
  conv student ``S`` (:class:`STADStudent`) see the clean ``X``:
  ``L_S = sum_k MSE(S_k(X), T_k(X))``.

Detection (``predict``; the student in the student stage, the teacher in the
teacher stage) on a whole cube ``X`` (1, C, H, W): ``W`` = the small target
filter's weight map (:class:`rszoo.models.utils.SmallTargetFilter`, (H, W), a
constant for autograd), ``L(X) = mean_{c,h,w}[W(h,w) * sum_k (N_k(X) - X)^2]``,
detection map ``A(h,w) = max_c |dL/dX(c,h,w)|`` (test.py:57-72): one forward and
one backward pass.
"""
import time
from typing import List, Optional, Sequence

import torch
from mmengine.model import BaseModel

from rszoo.registry import MODELS, TASK_UTILS


@MODELS.register_module()
class STAD(BaseModel):
    """Args:
        teacher (dict): the teacher network config (``STADTeacher``).
        student (dict, optional): the student config (``STADStudent``); needed
            for ``stage='student'``.
        stage (str): ``'teacher'`` or ``'student'``.
        teacher_checkpoint (str, optional): mmengine checkpoint of a teacher-stage
            run (its ``state_dict``: the EMA weights when ``EMAHook`` ran, as
            mmengine swaps them in before saving) or a plain state dict of the
            teacher; loaded in the student stage.
        loss (dict): the stage loss (``StageMSELoss``).
        target_gain (float): synthetic targets are ``X * (1 + target_gain * M)``.
            Default 1 (the authors' doubling).
        stf (dict): the small target filter (``SmallTargetFilter``).
        stf_source (str): what the filter's RX sees: ``'full_cube'`` (all bands
            of the raw scene, ``data_sample.full_cube``; rszoo's default) or
            ``'inputs'`` (the network input, the first C bands; the authors').
    """

    def __init__(self,
                 teacher: dict,
                 student: Optional[dict] = None,
                 stage: str = 'student',
                 teacher_checkpoint: Optional[str] = None,
                 loss: dict = dict(type='StageMSELoss'),
                 target_gain: float = 1.,
                 stf: dict = dict(type='SmallTargetFilter'),
                 stf_source: str = 'full_cube',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if stage not in ('teacher', 'student'):
            raise ValueError(f'STAD: stage must be "teacher" or "student", got "{stage}"')
        if stage == 'student' and student is None:
            raise ValueError('STAD: stage="student" needs a student config')
        if stf_source not in ('full_cube', 'inputs'):
            raise ValueError(f'STAD: stf_source must be "full_cube" or "inputs", got '
                             f'"{stf_source}"')
        self.stage, self.target_gain, self.stf_source = stage, target_gain, stf_source
        self.teacher = MODELS.build(teacher)
        self.student = MODELS.build(student) if student is not None else None
        self.loss_module = MODELS.build(loss)
        self.stf = TASK_UTILS.build(stf)
        if stage == 'student':
            if teacher_checkpoint is not None:
                self.load_teacher(teacher_checkpoint)
            self.teacher.requires_grad_(False)
            self.teacher.eval()

    # ---------------------------------------------------------------- helpers
    def load_teacher(self, path: str) -> None:
        """Load the teacher from a teacher-stage checkpoint or a plain state dict."""
        from rszoo.fileio import resolve_path
        from rszoo.utils.compat import allow_mmengine_checkpoint_globals
        allow_mmengine_checkpoint_globals()
        path = resolve_path(path)
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
        # mmengine's EMAHook swaps before saving: ``state_dict`` holds the EMA
        # weights, ``ema_state_dict`` the raw ones
        if 'state_dict' in ckpt:
            state, prefix = ckpt['state_dict'], 'teacher.'
        else:
            state, prefix = ckpt, ''
        teacher_state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
        if not teacher_state:
            raise KeyError(f'STAD: no "{prefix}*" weights in {path}; keys start with '
                           f'{sorted({k.split(".")[0] for k in state})[:5]}')
        self.teacher.load_state_dict(teacher_state, strict=True)

    def train(self, mode: bool = True):
        super().train(mode)
        if self.stage == 'student':
            self.teacher.eval()  # frozen, dropout off
        return self

    @property
    def detector(self) -> torch.nn.Module:
        return self.student if self.stage == 'student' else self.teacher

    @staticmethod
    def _stack(inputs) -> torch.Tensor:
        return torch.stack(list(inputs)) if isinstance(inputs, (list, tuple)) else inputs

    # ---------------------------------------------------------------- modes
    def forward(self, inputs, data_samples: Optional[List] = None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.detector(self._stack(inputs))
        raise RuntimeError(f'STAD: invalid mode "{mode}"; expected "loss", "predict" or "tensor"')

    def loss(self, inputs, data_samples: Sequence) -> dict:
        x = self._stack(inputs)
        if self.stage == 'teacher':
            masks = torch.stack([s.synthetic_mask for s in data_samples]).to(x)
            outs = self.teacher(x * (1 + self.target_gain * masks.unsqueeze(1)))
            return dict(loss_reconstruction=self.loss_module(outs, [x] * len(outs)))
        with torch.no_grad():
            targets = self.teacher(x)
        return dict(loss_distillation=self.loss_module(self.student(x), targets))

    def stf_weight(self, cube: torch.Tensor, data_sample=None) -> torch.Tensor:
        """STF weight (H, W) for one (C, H, W) input cube."""
        if self.stf_source == 'full_cube':
            full = getattr(data_sample, 'full_cube', None) if data_sample is not None else None
            if full is None:
                raise KeyError('STAD: stf_source="full_cube" needs data_sample.full_cube (set '
                               'with_full_cube=True in the data set), or use stf_source="inputs"')
            source = full.detach().cpu().numpy()
        else:
            source = cube.detach().cpu().numpy().transpose(1, 2, 0)
        return torch.from_numpy(self.stf(source)).to(cube)

    def saliency(self, cube: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """Detection map (H, W) of one (C, H, W) cube under the STF weight (H, W)."""
        with torch.enable_grad():
            x = cube.detach().unsqueeze(0).clone().requires_grad_(True)
            outs = self.detector(x)
            err = sum((o - x) ** 2 for o in outs)
            loss = (err * weight).mean()
            grad, = torch.autograd.grad(loss, x)
        return grad.abs().amax(dim=1)[0].detach()

    def predict(self, inputs, data_samples: Sequence) -> Sequence:
        for cube, sample in zip(inputs, data_samples):
            start = time.perf_counter()
            amap = self.saliency(cube, self.stf_weight(cube, sample))
            sample.set_field(amap.cpu(), 'pred_anomaly_map')
            sample.set_field(time.perf_counter() - start, 'infer_s', field_type='metainfo')
            if hasattr(sample, 'full_cube'):
                del sample.full_cube  # 10 MB a scene; the metric does not need it
        return data_samples
