"""RS-DGC: neighbourhood-statistics gradient sparsification with layer-wise dynamic ratios.

Xie, Wang, Ma, Li, Li, "RS-DGC: Exploring Neighborhood Statistics for Dynamic
Gradient Compression on Remote Sensing Image Interpretation", arXiv 2312.17530
(IEEE TGRS 2024). No public code exists; this is rszoo's reading of the
paper's description. Per step, process and layer ``l`` (gradient ``g_l``,
viewed as a matrix ``(R, C)``: conv ``(out, in*kh*kw)``, linear ``(out, in)``):

1. error feedback: ``v_l = g_l + e_l`` (``e_l``: what this process did not
   send before; on by default, ``error_feedback``);
2. Neighbourhood Statistical Indicator on ``v_l`` over ``p x p`` windows
   (:mod:`~rszoo.engine.comm_hooks.neighbourhood_indicator`; default
   ``NSI = |mu| + lambda * sigma``, ``p = 3``, ``lambda = 1``), shape ``(R, C)``;
3. layer-wise dynamic keep-fraction ``rho_l`` from the relative change of the
   layer's mean NSI between steps, clamped to ``[r_lo, r_hi] * rho`` with the
   element-weighted mean held at the target ``rho(t)``
   (:mod:`~rszoo.engine.comm_hooks.dynamic_ratio`); ``dynamic=False`` gives
   every layer ``rho(t)``;
4. keep the ``k_l = round(rho_l * n_l)`` entries of largest NSI (exact
   ``torch.topk``), send them as (int32 index, value) pairs together with the
   layer's mean NSI (one float32 per sparsified layer), keep the rest in
   ``e_l``;
5. all-gather the payloads, sum, divide by the world size
   (:mod:`~rszoo.engine.comm_hooks.sparse_exchange`).

Vectors (biases, norm weights) are sent dense; a dense all-reduce runs for the
first ``start_iter`` steps and ``rho(t)`` falls from 1 to ``density`` over
``warmup_iters`` steps (:mod:`~rszoo.engine.comm_hooks.sparsifier_state`).
The step-``t`` fractions use the statistics up to step ``t - 1`` (received
with that step's payloads), so every process computes the same ``k_l`` and
no extra collective is needed.
"""
from typing import Dict, List, Optional, Sequence

import torch
import torch.distributed as dist

from .dynamic_ratio import allocate_densities, update_change
from .neighbourhood_indicator import (check_indicator, check_neighbourhood,
                                      neighbourhood_indicator)
from .sparsifier_state import SparsifierState, sparsify_bucket


class RSDGCState(SparsifierState):
    """State of :func:`rsdgc_hook`.

    Args:
        process_group (ProcessGroup, optional): the group; ``None`` is the world.
        density (float): target keep-fraction ``rho`` in (0, 1] (0.01: about
            50x fewer bytes than dense float32 for the sparsified layers,
            counting 4-byte indices and 4-byte values).
        start_iter (int): dense all-reduce steps first.
        warmup_iters (int): steps of the geometric fall of ``rho(t)`` from 1.
        error_feedback (bool): local residual accumulation (default True).
        compress_vectors (bool): also sparsify 1-D parameters (default False).
        neighbourhood (int): the NSI window side ``p`` (odd; default 3).
        indicator (str): ``'mean_std'`` (default), ``'entry_mean_std'``,
            ``'rms'`` or ``'magnitude'`` (see ``neighbourhood_indicator``).
        std_weight (float): ``lambda`` of the indicator (>= 0; default 1.0).
        dynamic (bool): layer-wise dynamic keep-fractions (default True).
        ratio_range (tuple): ``(r_lo, r_hi)``, bounds of ``rho_l / rho``
            (default ``(0.1, 10.0)``).
        change_momentum (float): ``beta`` of the smoothed relative change of
            a layer's mean NSI, in [0, 1) (default 0.9).
    """

    def __init__(self,
                 process_group: Optional[dist.ProcessGroup] = None,
                 density: float = 0.01,
                 start_iter: int = 0,
                 warmup_iters: int = 0,
                 error_feedback: bool = True,
                 compress_vectors: bool = False,
                 neighbourhood: int = 3,
                 indicator: str = 'mean_std',
                 std_weight: float = 1.0,
                 dynamic: bool = True,
                 ratio_range: Sequence[float] = (0.1, 10.0),
                 change_momentum: float = 0.9):
        super().__init__(process_group, density=density, start_iter=start_iter,
                         warmup_iters=warmup_iters, error_feedback=error_feedback,
                         compress_vectors=compress_vectors)
        check_neighbourhood(neighbourhood)
        check_indicator(indicator)
        if isinstance(std_weight, bool) or not isinstance(std_weight, (int, float)) \
                or std_weight < 0:
            raise ValueError(f'std_weight (lambda of the NSI) must be a number >= 0, '
                             f'got {std_weight!r}')
        if not isinstance(dynamic, bool):
            raise ValueError(f'dynamic must be True or False, got {dynamic!r}')
        if (not isinstance(ratio_range, (tuple, list)) or len(ratio_range) != 2
                or not all(isinstance(r, (int, float)) for r in ratio_range)
                or not 0 < ratio_range[0] <= 1 <= ratio_range[1]):
            raise ValueError(f'ratio_range must be (r_lo, r_hi) with 0 < r_lo <= 1 <= r_hi '
                             f'(bounds of a layer\'s keep-fraction / density), got '
                             f'{ratio_range!r}')
        if isinstance(change_momentum, bool) or not isinstance(change_momentum, (int, float)) \
                or not 0 <= change_momentum < 1:
            raise ValueError(f'change_momentum must be a number in [0, 1), got '
                             f'{change_momentum!r}')
        self.neighbourhood = neighbourhood
        self.indicator = indicator
        self.std_weight = float(std_weight)
        self.dynamic = dynamic
        self.ratio_range = (float(ratio_range[0]), float(ratio_range[1]))
        self.change_momentum = float(change_momentum)
        #: per layer: number of entries, last mean NSI (all processes), smoothed change
        self.layer_numel: Dict[int, int] = {}
        self.layer_mass: Dict[int, float] = {}
        self.layer_change: Dict[int, Optional[float]] = {}
        self._densities: Dict[int, float] = {}
        self._step_density: Optional[float] = None

    # ------------------------------------------------------------- NSI, ratios
    def scores(self, matrix: torch.Tensor) -> torch.Tensor:
        """The NSI of ``matrix`` (``(R, C)`` -> float32 ``(R, C)``)."""
        return neighbourhood_indicator(matrix, self.neighbourhood, self.indicator,
                                       self.std_weight)

    def on_step_begin(self) -> None:
        self._step_density = None  # allocated lazily, once rho(t) is known

    def layer_density(self, key: int, numel: int, density: float) -> float:
        """``rho_l`` of this step; the allocation over every layer seen so far
        is made once per step, from the statistics up to the previous step."""
        self.layer_numel.setdefault(key, numel)
        if not self.dynamic:
            return density
        if self._step_density != density:
            keys = list(self.layer_numel)
            fractions = allocate_densities(
                [self.layer_numel[k] for k in keys],
                [self.layer_change.get(k) for k in keys], density, self.ratio_range)
            self._densities = dict(zip(keys, fractions))
            self._step_density = density
        return self._densities.get(key, density)

    def layer_extras(self, key: int, scores: torch.Tensor) -> torch.Tensor:
        """The layer's mean NSI ``m_l`` (0-d float32), sent with its payload."""
        return scores.mean()

    def receive_extras(self, keys: List[int], gathered: torch.Tensor) -> None:
        """Average ``m_l`` over the processes (``gathered``: ``(W, L)``) and
        update each layer's smoothed relative change."""
        masses = gathered.to(torch.float64).mean(dim=0).tolist()
        for key, mass in zip(keys, masses):
            self.layer_change[key] = update_change(
                self.layer_mass.get(key), mass, self.layer_change.get(key),
                self.change_momentum)
            self.layer_mass[key] = mass


def rsdgc_hook(state: RSDGCState,
               bucket: dist.GradBucket) -> torch.futures.Future[torch.Tensor]:
    """DDP communication hook: RS-DGC sparsification (NSI, layer-wise dynamic
    ratios, error feedback), all-gather of (index, value) pairs, average."""
    return sparsify_bucket(state, bucket)
