"""Hinton's knowledge-distillation loss on logits.

G. Hinton, O. Vinyals, J. Dean, "Distilling the Knowledge in a Neural
Network", NIPS Deep Learning Workshop, 2014 (arXiv:1503.02531). SSKDNet
(Zhao et al., Remote Sensing 14(19):4813, 2022) uses KD to move the "dark
knowledge" of its self-supervised branch (teacher) into the backbone
(student); the abstract does not give the formula, so rszoo uses Hinton's:

    p_t = softmax(z_t / T),   p_s = softmax(z_s / T)                (N, K)
    L_KD = loss_weight * T^2 * (1/N) sum_n sum_k p_t[n,k] (log p_t[n,k] - log p_s[n,k])

i.e. ``T^2 * KL(p_t || p_s)`` averaged over the batch. The ``T^2`` keeps the
gradient size independent of ``T`` (the soft-target gradients scale as
``1/T^2``).

Shapes:
    student_logits ``(N, K)``, teacher_logits ``(N, K)`` -> scalar.
"""
import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import MODELS


@MODELS.register_module()
class KDLoss(nn.Module):
    """``T^2 * KL(softmax(z_t/T) || softmax(z_s/T))``, batch mean.

    Args:
        temperature (float): the softening temperature ``T`` > 0. Defaults to 4.
        loss_weight (float): factor on the loss. Defaults to 1.
        detach_teacher (bool): stop the gradient through the teacher logits,
            so distillation only moves the student towards the teacher (the
            one-way transfer of Hinton's KD and of SSKDNet's abstract: the
            branch's knowledge goes *into* the backbone). With False the
            teacher is also pulled towards the student (mutual learning).
            Defaults to True.
    """

    def __init__(self,
                 temperature: float = 4.0,
                 loss_weight: float = 1.0,
                 detach_teacher: bool = True):
        super().__init__()
        if not temperature > 0:
            raise ValueError(f'KDLoss: temperature must be > 0, got {temperature}')
        self.temperature = float(temperature)
        self.loss_weight = float(loss_weight)
        self.detach_teacher = detach_teacher

    def forward(self, student_logits: torch.Tensor,
                teacher_logits: torch.Tensor) -> torch.Tensor:
        if student_logits.shape != teacher_logits.shape or student_logits.dim() != 2:
            raise ValueError('KDLoss: student and teacher logits must both be (N, K); got '
                             f'{tuple(student_logits.shape)} and '
                             f'{tuple(teacher_logits.shape)}')
        if self.detach_teacher:
            teacher_logits = teacher_logits.detach()
        t = self.temperature
        log_p_student = F.log_softmax(student_logits.float() / t, dim=1)
        log_p_teacher = F.log_softmax(teacher_logits.float() / t, dim=1)
        kl = F.kl_div(log_p_student, log_p_teacher, reduction='batchmean', log_target=True)
        return self.loss_weight * t * t * kl

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, loss_weight={self.loss_weight}, '
                f'detach_teacher={self.detach_teacher}')
