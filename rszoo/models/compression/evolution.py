"""Regularized (aging) evolution of PIC-PQ's per-layer ``(a_l, b_l)``.

Xie et al., "Physics Inspired Criterion for Pruning-Quantization Joint Learning"
(PIC-PQ), arXiv:2312.00851, learn the deformation scales and shifts of
``I = a_l * FP + b_l`` with regularized evolution (Real et al., AAAI 2019), as
the authors' ``resnet_main.py::learn_ranking_ea`` does:

* population ``P = 64``, tournament ``S = 16``, ``T = 400`` evaluations in all
  (the first ``P`` fill the population), mutation rate 10 %;
* initialisation: candidates ``0 .. P-2`` draw ``a_l = exp(N(0, 1))`` and
  ``b_l ~ N(0, std_l)``, ``std_l`` the standard deviation of layer ``l``'s FP;
  candidate ``P-1`` is the identity ``(1, 0)``;
* evaluation ``i >= P``: draw ``S`` members with replacement, take the one with
  the lowest loss, copy it and mutate ``max(1, int(0.1 * L))`` layers drawn with
  replacement: ``a_l *= exp(N(0, step))``, ``b_l += N(0, std_l)``, with
  ``step = 1 - i / (1.25 T)``; the child replaces the *oldest* member;
* fitness: a loss to minimise (:class:`FineTuneFitness`: prune to the target,
  a short fine-tune, the held-out cross-entropy); the best candidate *ever*
  evaluated is returned.

rszoo's one change: at least one layer mutates (``int(0.1 * L)`` is 0 for
fewer than 10 convs; the authors' networks have 20 to 55).

Shapes: a candidate is an ``L x 2`` float64 array, row ``l`` = ``(a_l, b_l)``.
"""
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence

import numpy as np

from rszoo.registry import TASK_UTILS
from .pic_importance import identity_ab


@dataclass
class EvolutionResult:
    """The best ``(a, b)`` ever evaluated and the whole search."""
    best_ab: np.ndarray
    best_loss: float
    history: List[dict] = field(default_factory=list)   # one dict per evaluation


@TASK_UTILS.register_module()
class RegularizedEvolution:
    """Aging evolution over ``L x 2`` candidates.

    Args:
        population, tournament, iterations, mutation_rate, scale_sigma: as in
            the module docstring (the authors' 64, 16, 400, 0.1, 1.0).
        seed: of the numpy generator.

    Use ``run(fp_std, fitness)``, or step by step: ``start(fp_std)``, then
    ``evaluate_next(fitness)`` ``iterations`` times; ``result()``.
    """

    def __init__(self, population: int = 64, tournament: int = 16, iterations: int = 400,
                 mutation_rate: float = 0.1, scale_sigma: float = 1.0, seed: int = 0):
        if population < 1 or tournament < 1:
            raise ValueError(f'RegularizedEvolution: population ({population}) and tournament '
                             f'({tournament}) must be >= 1')
        if iterations < population:
            raise ValueError(f'RegularizedEvolution.iterations ({iterations}) must be >= '
                             f'population ({population}): the first evaluations fill the '
                             'population')
        if not 0 <= mutation_rate <= 1:
            raise ValueError(f'RegularizedEvolution.mutation_rate must be in [0, 1], got '
                             f'{mutation_rate}')
        self.population = int(population)
        self.tournament = int(tournament)
        self.iterations = int(iterations)
        self.mutation_rate = float(mutation_rate)
        self.scale_sigma = float(scale_sigma)
        self.seed = seed

    # -- state ----------------------------------------------------------------
    def start(self, fp_std: Sequence[float]) -> None:
        """Reset the search for ``L = len(fp_std)`` layers."""
        self.fp_std = np.asarray(fp_std, dtype=np.float64)
        if self.fp_std.ndim != 1 or self.fp_std.size == 0:
            raise ValueError(f'RegularizedEvolution.start: fp_std must be a non-empty vector '
                             f'(one std per conv), got shape {self.fp_std.shape}')
        self.rng = np.random.default_rng(self.seed)
        self.members: List[np.ndarray] = []
        self.losses: List[float] = []
        self.ages: deque = deque()      # member indices, oldest first
        self.step = 0
        self.history: List[dict] = []
        self.best_ab: Optional[np.ndarray] = None
        self.best_loss = float('inf')

    @property
    def num_layers(self) -> int:
        return self.fp_std.size

    def random_candidate(self) -> np.ndarray:
        a = np.exp(self.rng.normal(0.0, self.scale_sigma, self.num_layers))
        b = self.rng.normal(0.0, 1.0, self.num_layers) * self.fp_std
        return np.stack([a, b], axis=1)

    def mutate(self, parent: np.ndarray, step_size: float):
        """A mutated copy of ``parent`` and the indices of the mutated layers."""
        child = parent.copy()
        count = max(1, int(self.mutation_rate * self.num_layers))
        layers = np.unique(self.rng.choice(self.num_layers, count))
        for layer in layers:
            child[layer, 0] *= np.exp(self.rng.normal(0.0, self.scale_sigma * step_size))
            child[layer, 1] += self.rng.normal(0.0, 1.0) * self.fp_std[layer]
        return child, layers

    def propose(self) -> dict:
        """The next candidate to evaluate (without evaluating it)."""
        i = self.step
        step_size = 1.0 - i / (self.iterations * 1.25)
        if i < self.population - 1:
            return dict(step=i, kind='random', ab=self.random_candidate())
        if i == self.population - 1:
            return dict(step=i, kind='identity', ab=identity_ab(self.num_layers))
        sampled = self.rng.choice(self.population, self.tournament)
        winner = int(sampled[np.argmin(np.asarray(self.losses)[sampled])])
        child, layers = self.mutate(self.members[winner], step_size)
        return dict(step=i, kind='mutation', ab=child, parent=winner,
                    tournament=sampled.tolist(), mutated_layers=layers.tolist(),
                    step_size=step_size)

    def record(self, proposal: dict, loss: float) -> None:
        """Put an evaluated proposal into the population (replacing the oldest
        member once it is full) and update the best."""
        loss = float(loss)
        if not np.isfinite(loss):
            loss = float('inf')
        ab = proposal['ab']
        if len(self.members) < self.population:
            self.members.append(ab)
            self.losses.append(loss)
            self.ages.append(len(self.members) - 1)
        else:
            oldest = self.ages.popleft()
            self.members[oldest] = ab
            self.losses[oldest] = loss
            self.ages.append(oldest)
            proposal['replaced'] = oldest
        if loss < self.best_loss or self.best_ab is None:
            self.best_loss, self.best_ab = loss, ab.copy()
        entry = {k: v for k, v in proposal.items() if k != 'ab'}
        entry.update(loss=loss, ab=ab.tolist(), best_loss=self.best_loss)
        self.history.append(entry)
        self.step += 1

    def evaluate_next(self, fitness: Callable[[np.ndarray], float]) -> dict:
        """Propose, evaluate with ``fitness(ab) -> loss`` and record one candidate."""
        if self.step >= self.iterations:
            raise RuntimeError(f'RegularizedEvolution: all {self.iterations} evaluations done')
        proposal = self.propose()
        self.record(proposal, fitness(proposal['ab']))
        return self.history[-1]

    def result(self) -> EvolutionResult:
        return EvolutionResult(self.best_ab.copy(), self.best_loss, list(self.history))

    def run(self, fp_std: Sequence[float], fitness: Callable[[np.ndarray], float],
            log: Optional[Callable[[str], None]] = None) -> EvolutionResult:
        """All ``iterations`` evaluations; ``log`` gets one line per evaluation."""
        self.start(fp_std)
        while self.step < self.iterations:
            entry = self.evaluate_next(fitness)
            if log is not None:
                log(f'PIC-PQ evolution {entry["step"] + 1}/{self.iterations} ({entry["kind"]}): '
                    f'loss {entry["loss"]:.4f}, best {entry["best_loss"]:.4f}')
        return self.result()
