"""PIC-PQ's evolution fitness: a short fine-tune, then the held-out loss.

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851, score a candidate ``(a, b)`` by pruning the
pretrained model with it to the FLOPs target, fine-tuning for ``tau_hat = 200``
SGD steps (lr 0.01, momentum 0.9, weight decay 5e-4, no Nesterov) on the
training images minus a 10 % hold-out, and taking the mean cross-entropy on that
hold-out (no augmentation); the model is reset to the pretrained weights for the
next candidate (the authors' ``learn_ranking_ea``). :class:`FineTuneFitness` is
the fine-tune + loss part; the caller prunes a fresh copy of the dense model.

Shapes: the model maps a batch ``N x 3 x H x W`` to logits ``N x K``; the loss
is ``mean_n CE(logits_n, y_n)`` over the whole hold-out.
"""
from typing import Iterable, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from rszoo.registry import TASK_UTILS


def _labels(data_samples) -> torch.Tensor:
    labels = []
    for sample in data_samples:
        label = getattr(sample, 'gt_label', None)
        if label is None:
            raise KeyError('FineTuneFitness: a data sample has no gt_label (expected '
                           "mmpretrain's DataSample with a single label)")
        labels.append(torch.as_tensor(label).reshape(-1)[:1])
    return torch.cat(labels).long()


def _forever(batches: Iterable) -> Iterator:
    """Iterate ``batches`` again and again (a DataLoader re-shuffles and
    re-augments every pass)."""
    while True:
        empty = True
        for batch in batches:
            empty = False
            yield batch
        if empty:
            raise ValueError('FineTuneFitness: the training loader is empty')


@TASK_UTILS.register_module()
class FineTuneFitness:
    """``loss = CE_heldout(model after `steps` SGD steps)``.

    Args:
        steps: ``tau_hat`` (the authors' 200).
        lr, momentum, weight_decay: of the SGD steps (0.01, 0.9, 5e-4).
    """

    def __init__(self, steps: int = 200, lr: float = 0.01, momentum: float = 0.9,
                 weight_decay: float = 5e-4):
        if int(steps) < 0:
            raise ValueError(f'FineTuneFitness.steps must be >= 0, got {steps}')
        self.steps = int(steps)
        self.lr, self.momentum, self.weight_decay = float(lr), float(momentum), \
            float(weight_decay)

    def fine_tune(self, model: nn.Module, train_batches: Iterable) -> None:
        """``steps`` SGD steps on batches of mmengine data dicts (the loader is
        iterated again if shorter)."""
        if self.steps == 0:
            return
        optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                                    lr=self.lr, momentum=self.momentum,
                                    weight_decay=self.weight_decay)
        model.train()
        batches = _forever(train_batches)
        for _ in range(self.steps):
            data = model.data_preprocessor(next(batches), True)
            losses = model(**data, mode='loss')
            loss, _ = model.parse_losses(losses)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    @torch.no_grad()
    def heldout_loss(self, model: nn.Module, heldout_batches: Iterable) -> float:
        """Mean cross-entropy of the logits over every held-out image."""
        model.eval()
        total, count = 0.0, 0
        for batch in heldout_batches:
            data = model.data_preprocessor(batch, False)
            logits = model(data['inputs'], mode='tensor')
            labels = _labels(data['data_samples']).to(logits.device)
            total += float(F.cross_entropy(logits, labels, reduction='sum'))
            count += labels.numel()
        if count == 0:
            raise ValueError('FineTuneFitness: the held-out loader is empty')
        return total / count

    def __call__(self, model: nn.Module, train_batches: Iterable,
                 heldout_batches: Iterable) -> float:
        self.fine_tune(model, train_batches)
        return self.heldout_loss(model, heldout_batches)
