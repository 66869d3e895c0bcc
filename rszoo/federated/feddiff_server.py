"""The FedDiff server: fuses the clients' codes, scores them, returns gradients.

The server holds the fusion head (``FedDiff.fusion_head``) and the labels of the
training / validation / test pixels (rszoo's choice: the label holder is the
server; in FedDiff both organisations label the same scene). Each round:

1. receives ``c_0`` and ``c_1`` (N, rank) of the training pixels (dataset order);
2. trains the fusion head for ``server_epochs`` epochs on ``[c_0, c_1]`` with the
   config's optimiser (mini-batches of ``train_dataloader.batch_size``);
3. computes ``dL/dc_m`` of the mean cross-entropy over all training pixels for
   each client (sent back at the next round);
4. scores the validation and test codes (OA, AA, kappa with
   :func:`~rszoo.evaluation.metrics.land_cover_metric.land_cover_scores`).
"""
import copy
from typing import Dict, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS

from rszoo.evaluation.metrics.land_cover_metric import land_cover_scores
from rszoo.registry import MODELS


class FedDiffServerTrainer:
    """Fusion head + labels (see module doc).

    Args:
        cfg (Config): the FedDiff config.
        labels (dict): ``{'train' | 'val' | 'test': (N,) int64}`` in dataset order.
    """

    def __init__(self, cfg: Config, labels: Dict[str, np.ndarray]):
        seed = int((cfg.get('randomness') or {}).get('seed', 0))
        torch.manual_seed(seed + 7)
        model = MODELS.build(cfg.model)
        self.head, self.comm, self.cls_loss = model.fusion_head, model.comm, model.cls_loss
        self.num_classes = model.num_classes
        self.labels = {k: torch.as_tensor(np.asarray(v), dtype=torch.long)
                       for k, v in labels.items()}
        self.batch_size = int(cfg.train_dataloader.get('batch_size', 64))
        self.optim_wrapper = build_optim_wrapper(self.head, copy.deepcopy(cfg.optim_wrapper))
        self.schedulers = [PARAM_SCHEDULERS.build(dict(**s, optimizer=self.optim_wrapper))
                           for s in (cfg.get('param_scheduler') or [])]
        self.generator = torch.Generator().manual_seed(seed)

    def _codes(self, codes: Sequence[np.ndarray], split: str) -> torch.Tensor:
        n = self.labels[split].shape[0]
        for i, c in enumerate(codes):
            if c.shape != (n, self.comm.rank):
                raise ValueError(f'FedDiff server: client {i} sent {split} codes of shape '
                                 f'{c.shape}, expected ({n}, {self.comm.rank})')
        # what the receiver decodes: the payload dtype
        return torch.cat([self.comm.quantise(torch.from_numpy(np.asarray(c, np.float32)))
                          for c in codes], dim=1)

    def fit(self, codes: Sequence[np.ndarray], epochs: int) -> Tuple[list, float]:
        """Train the head on the training codes; return ``[dL/dc_0, dL/dc_1]`` and the loss."""
        x, y = self._codes(codes, 'train'), self.labels['train']
        self.head.train()
        for _ in range(int(epochs)):
            order = torch.randperm(x.shape[0], generator=self.generator)
            for start in range(0, x.shape[0], self.batch_size):
                idx = order[start:start + self.batch_size]
                self.optim_wrapper.update_params(self.cls_loss(self.head(x[idx]), y[idx]))
        for sched in self.schedulers:
            sched.step()
        xg = x.clone().requires_grad_(True)
        loss = self.cls_loss(self.head(xg), y)  # mean over the N training pixels
        (grad, ) = torch.autograd.grad(loss, xg)
        rank = self.comm.rank
        return [grad[:, :rank].numpy(), grad[:, rank:].numpy()], float(loss.detach())

    @torch.no_grad()
    def score(self, codes: Sequence[np.ndarray], split: str) -> dict:
        """OA, AA, kappa (percent) of the fused prediction on ``split``."""
        self.head.eval()
        pred = self.head(self._codes(codes, split)).argmax(1).numpy()
        scores = land_cover_scores(self.labels[split].numpy(), pred, self.num_classes)
        return {k: float(scores[k]) for k in ('OA', 'AA', 'kappa')}
