"""``KDLoss`` (SSKDNet's self-distillation term) against hand-computed values."""
import math

import pytest
import torch

from rszoo.models.losses import KDLoss

pytestmark = pytest.mark.usefixtures('single_thread_registry')


STUDENT = [[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]]
TEACHER = [[3.0, 1.0, 0.0], [0.5, -1.0, 0.0]]


def hand_kd(student, teacher, t):
    """T^2 * mean_n sum_k p_t log(p_t / p_s), from the definitions."""
    total = 0.0
    for zs, zt in zip(student, teacher):
        es = [math.exp(v / t) for v in zs]
        et = [math.exp(v / t) for v in zt]
        ps = [v / sum(es) for v in es]
        pt = [v / sum(et) for v in et]
        total += sum(a * math.log(a / b) for a, b in zip(pt, ps))
    return t * t * total / len(student)


@pytest.mark.parametrize('temperature,expected', [(2.0, 1.0369081643706899),
                                                  (1.0, 0.8425620080319903)])
def test_kd_loss_matches_hand_computed_value(temperature, expected):
    assert hand_kd(STUDENT, TEACHER, temperature) == pytest.approx(expected, abs=1e-12)
    loss = KDLoss(temperature=temperature)(torch.tensor(STUDENT), torch.tensor(TEACHER))
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    weighted = KDLoss(temperature=temperature, loss_weight=0.5)(
        torch.tensor(STUDENT), torch.tensor(TEACHER))
    assert weighted.item() == pytest.approx(0.5 * expected, rel=1e-6)
    # second row: identical logits contribute nothing
    assert KDLoss(temperature=temperature)(torch.tensor(STUDENT[1:]),
                                            torch.tensor(TEACHER[1:])).item() == 0.0


@pytest.mark.parametrize('detach_teacher', [True, False])
def test_kd_loss_teacher_gradient(detach_teacher):
    student = torch.tensor(STUDENT, requires_grad=True)
    teacher = torch.tensor(TEACHER, requires_grad=True)
    KDLoss(temperature=2.0, detach_teacher=detach_teacher)(student, teacher).backward()
    assert student.grad is not None and student.grad.abs().sum() > 0
    assert (teacher.grad is None) == detach_teacher
    with pytest.raises(ValueError, match='must both be'):
        KDLoss()(student, teacher[:, :2])
