"""A FedDiff client: one modality, rszoo's model, data and optimiser from the config.

Client ``m`` (``m`` = 0 HSI, 1 LiDAR in the default config) holds modality
``model.modality_keys[m]`` of the training pixels and trains, per round:

1. if the server sent ``grad`` = dL_fusion/dc_m for its training codes (previous
   round), one optimiser step on ``sum(c_m * grad)``: the fusion loss's gradient
   back-propagated into the client's branch and communication module
   (split learning);
2. ``local_epochs`` epochs of ``model.train_step`` on one-modality batches:
   :meth:`FedDiff.loss` with one modality present is the client objective
   (its own head's CE + the L1 noise loss);
3. the codes ``c_m`` (N, rank) of its training pixels in dataset order, plus
   those of the validation and test pixels: the payload it sends.

State (model and optimiser) is kept between rounds in the Flower context.
"""
import copy
from functools import lru_cache
from typing import Dict, Optional

import numpy as np
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS
from mmengine.runner import Runner

from rszoo.registry import MODELS

SPLITS = ('train', 'val', 'test')


def only_modality(modalities, modality: str):
    """A data set's ``modalities`` reduced to ``modality``: a dict of file specs
    (patch data sets) keeps that entry, a sequence of names (pixel vectors) becomes
    ``(modality, )``."""
    if isinstance(modalities, dict):
        if modality not in modalities:
            raise KeyError(f'FedDiff client: modality "{modality}" not in the data set\'s '
                           f'modalities {sorted(modalities)}')
        return {modality: modalities[modality]}
    if modality not in tuple(modalities):
        raise KeyError(f'FedDiff client: modality "{modality}" not in the data set\'s '
                       f'modalities {tuple(modalities)}')
    return (modality, )


def split_loader_cfg(cfg: Config, split: str, modality: str, shuffle: bool) -> dict:
    """The config's ``<split>_dataloader`` serving ``modality`` only."""
    loader = copy.deepcopy(cfg[f'{split}_dataloader'])
    loader['dataset']['modalities'] = only_modality(loader['dataset']['modalities'], modality)
    loader['sampler'] = dict(type='DefaultSampler', shuffle=shuffle)
    if not shuffle:
        loader['batch_size'] = max(int(loader.get('batch_size', 256)), 256)
    loader['num_workers'] = 0
    loader.pop('persistent_workers', None)
    return loader


@lru_cache(maxsize=8)
def _loader(cfg_text: str, split: str, modality: str, shuffle: bool, seed: int):
    cfg = Config.fromstring(cfg_text, file_format='.py')
    return Runner.build_dataloader(split_loader_cfg(cfg, split, modality, shuffle), seed=seed)


class FedDiffClientTrainer:
    """Client ``index``'s part of the FedDiff model and its training (see module doc).

    Args:
        cfg (Config): the FedDiff config (model, data, ``optim_wrapper``, ``param_scheduler``,
            ``federated``).
        index (int): the client's modality index (0 or 1).
    """

    def __init__(self, cfg: Config, index: int):
        self.cfg, self.index = cfg, int(index)
        self.seed = int((cfg.get('randomness') or {}).get('seed', 0))
        torch.manual_seed(self.seed + 1000 * self.index)
        self.model = MODELS.build(cfg.model)
        if not 0 <= self.index < 2:
            raise ValueError(f'FedDiffClientTrainer: client index must be 0 or 1, got {index}')
        self.modality = self.model.modality_keys[self.index]
        # the client trains only its own parts: branch, communication encoder, head
        self.own = torch.nn.ModuleDict(dict(
            branch=self.model.backbone.branches[self.index],
            comm=self.model.comm.encoders[self.index],
            head=self.model.client_heads[self.index]))
        self.optim_wrapper = build_optim_wrapper(self.own, copy.deepcopy(cfg.optim_wrapper))
        self.rounds_done = 0
        self._cfg_text = cfg.pretty_text

    # ------------------------------------------------------------- state
    def state_dict(self) -> dict:
        return dict(own=self.own.state_dict(), optim=self.optim_wrapper.state_dict(),
                    rounds_done=torch.tensor(self.rounds_done))

    def load_state_dict(self, state: dict):
        self.own.load_state_dict(state['own'])
        self.optim_wrapper.load_state_dict(state['optim'])
        self.rounds_done = int(state['rounds_done'])

    def loader(self, split: str, shuffle: bool = False):
        return _loader(self._cfg_text, split, self.modality, shuffle, self.seed)

    def _set_lr(self):
        """The config's ``param_scheduler`` with one round as one epoch."""
        schedulers = self.cfg.get('param_scheduler') or []
        for group in self.optim_wrapper.optimizer.param_groups:
            group.setdefault('initial_lr', group['lr'])
            group['lr'] = group['initial_lr']
        for sched_cfg in schedulers:
            sched = PARAM_SCHEDULERS.build(dict(**sched_cfg, optimizer=self.optim_wrapper))
            for _ in range(self.rounds_done):
                sched.step()

    # ------------------------------------------------------------- round
    @torch.no_grad()
    def codes(self, split: str) -> np.ndarray:
        """``c_m`` (N_split, rank) float32, rows in dataset order."""
        self.model.eval()
        out = []
        for data in self.loader(split):
            data = self.model.data_preprocessor(data, False)
            out.append(self.model.client_code(data['inputs'], self.index))
        return torch.cat(out).numpy().astype(np.float32)

    def apply_server_gradient(self, grad: np.ndarray) -> float:
        """One step on ``sum(c_m * grad)`` over the training pixels (dataset order)."""
        self.model.train()
        grad_t, start, total = torch.from_numpy(np.asarray(grad, np.float32)), 0, 0.
        self.optim_wrapper.zero_grad()
        for data in self.loader('train'):
            data = self.model.data_preprocessor(data, True)
            code = self.model.client_code(data['inputs'], self.index)
            g = grad_t[start:start + code.shape[0]]
            if g.shape != code.shape:
                raise ValueError(f'FedDiff client {self.index}: server gradient rows '
                                 f'{tuple(grad_t.shape)} do not match the codes')
            start += code.shape[0]
            surrogate = (code * g).sum()
            surrogate.backward()
            total += float(surrogate.detach())
        if start != grad_t.shape[0]:
            raise ValueError(f'FedDiff client {self.index}: {grad_t.shape[0]} gradient rows '
                             f'for {start} training pixels')
        self.optim_wrapper.step()
        self.optim_wrapper.zero_grad()
        return total

    def train_round(self, grad: Optional[np.ndarray], local_epochs: int) -> Dict[str, float]:
        self._set_lr()
        if grad is not None and grad.size:
            self.apply_server_gradient(grad)
        self.model.train()
        logs = {}
        loader = self.loader('train', shuffle=True)
        for epoch in range(int(local_epochs)):
            if hasattr(loader.sampler, 'set_epoch'):
                loader.sampler.set_epoch(self.rounds_done * int(local_epochs) + epoch)
            for data in loader:
                logs = self.model.train_step(data, self.optim_wrapper)
        self.rounds_done += 1
        return {k: float(v.detach()) if torch.is_tensor(v) else float(v) for k, v in logs.items()}
