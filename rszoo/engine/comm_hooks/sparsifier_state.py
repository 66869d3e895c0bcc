"""``SparsifierState``: the shared body of rszoo's sparsifying DDP hooks.

Gradient sparsification with local error feedback, as in Deep Gradient
Compression (Lin et al., ICLR 2018; top-k) and RS-DGC (Xie et al., arXiv
2312.17530; the Neighbourhood Statistical Indicator). Per step ``t``, process
``w`` and layer (parameter) ``l`` with gradient ``g_l`` of ``n_l`` entries:

    v_l   = g_l + e_l                      (error feedback: add what was not sent)
    S_l   = the k_l entries of largest score(v_l)      (score: subclasses)
    send    (S_l, v_l[S_l])
    e_l  <- v_l with the entries in S_l set to 0       (local residual)
    g_avg = (1 / W) sum_w  v_{l,w} restricted to S_{l,w}  (all-gather + sum)

``k_l = max(1, round(rho_l * n_l))`` with ``rho_l`` the layer's keep-fraction
(subclasses: uniform for top-k, layer-wise dynamic for RS-DGC). A layer is
sent dense (all values, no indices) when it is a vector (biases, norms; ``ndim
< 2``, unless ``compress_vectors``) or when its sparse encoding would not be
smaller (``k_l * (4 + s) >= n_l * s`` bytes, ``s`` the value size): then its
residual is 0. The positions of dense layers are known to all processes; the
exchange is :func:`~rszoo.engine.comm_hooks.sparse_exchange.allgather_sparse`.

Schedule (DGC's warm-up, made continuous): plain dense all-reduce for the
first ``start_iter`` steps, then a keep-fraction that falls geometrically from
1 to ``density`` over ``warmup_iters`` steps,
``rho(t) = density ** min(1, (t - start_iter) / warmup_iters)``.

Residuals (``(n_l,)`` tensors, in the layer's logical order) are keyed by the
parameter, so they survive DDP's rebuilding of its buckets after the first
step. DGC's momentum correction and momentum-factor masking are not applied:
the optimizer's momentum acts on the averaged sparse gradient.
"""
from typing import Dict, List, Optional

import torch
import torch.distributed as dist
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks

from .comm_state import CommState
from .sparse_exchange import INDEX_DTYPE, allgather_sparse


class SparsifierState(CommState):
    """State of a sparsifying hook: schedule, residuals, byte counters.

    Args:
        process_group (ProcessGroup, optional): the group; ``None`` is the world.
        density (float): the target keep-fraction ``rho`` in (0, 1] after
            warm-up (0.01: 1 % of the entries of each sparsified layer).
        start_iter (int): steps of plain dense all-reduce first (>= 0).
        warmup_iters (int): steps over which ``rho(t)`` falls from 1 to
            ``density`` (>= 0; 0: ``density`` from the start).
        error_feedback (bool): keep and re-add the entries not sent.
        compress_vectors (bool): also sparsify 1-D parameters (biases, norms).
    """

    def __init__(self,
                 process_group: Optional[dist.ProcessGroup] = None,
                 density: float = 0.01,
                 start_iter: int = 0,
                 warmup_iters: int = 0,
                 error_feedback: bool = True,
                 compress_vectors: bool = False):
        super().__init__(process_group)
        if isinstance(density, bool) or not isinstance(density, (int, float)) \
                or not 0.0 < density <= 1.0:
            raise ValueError(f'density (the keep-fraction of each sparsified layer) must be '
                             f'a number in (0, 1], got {density!r}')
        for key, value in (('start_iter', start_iter), ('warmup_iters', warmup_iters)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f'{key} must be an int >= 0 (steps), got {value!r}')
        for key, value in (('error_feedback', error_feedback),
                           ('compress_vectors', compress_vectors)):
            if not isinstance(value, bool):
                raise ValueError(f'{key} must be True or False, got {value!r}')
        self.density = float(density)
        self.start_iter = start_iter
        self.warmup_iters = warmup_iters
        self.error_feedback = error_feedback
        self.compress_vectors = compress_vectors
        #: local residual e_l per parameter (key: ``id(param)``), shape ``(n_l,)``
        self.residuals: Dict[int, torch.Tensor] = {}
        #: keep-fraction of each sparsified layer at the last step (for logs/tests)
        self.last_densities: Dict[int, float] = {}

    # ---------------------------------------------------------------- schedule
    def current_density(self) -> float:
        """``rho(t)`` of this step (1.0 before and at the start of warm-up)."""
        t = self.iter - self.start_iter
        if t < 0:
            return 1.0
        if self.warmup_iters and t < self.warmup_iters:
            return self.density ** (t / self.warmup_iters)
        return self.density

    # ------------------------------------------------------- subclass interface
    def layer_density(self, key: int, numel: int, density: float) -> float:
        """The keep-fraction ``rho_l`` of one layer; uniform here."""
        return density

    def scores(self, matrix: torch.Tensor) -> torch.Tensor:
        """Selection scores of a layer viewed as ``(R, C)``; shape ``(R, C)``."""
        raise NotImplementedError

    def layer_extras(self, key: int, scores: torch.Tensor) -> Optional[torch.Tensor]:
        """Side information of a sparsified layer to send (a 0-d float32), or None."""
        return None

    def receive_extras(self, keys: List[int], gathered: torch.Tensor) -> None:
        """All processes' extras of one bucket, shape ``(W, len(keys))``."""


def bucket_offset(grad: torch.Tensor, buffer: torch.Tensor) -> int:
    """Where a bucket gradient starts in the flat bucket buffer (in entries)."""
    if grad.untyped_storage().data_ptr() != buffer.untyped_storage().data_ptr():
        raise RuntimeError('a bucket gradient is not a view of the bucket buffer; the '
                           "sparsifying hooks need DDP's bucket views (GradBucket.gradients())")
    return grad.storage_offset() - buffer.storage_offset()


def layer_positions(grad: torch.Tensor, buffer: torch.Tensor) -> torch.Tensor:
    """Buffer positions (int64, shape ``(n,)``) of a bucket gradient's entries in
    their logical (row-major) order; ``grad`` must be a view into ``buffer``
    (any strides: a channels_last bucket view is mapped entry by entry)."""
    offset = bucket_offset(grad, buffer)
    if grad.is_contiguous():
        return torch.arange(offset, offset + grad.numel(), device=buffer.device)
    local = torch.arange(grad.numel(), device=buffer.device)
    memory = local.as_strided(grad.size(), grad.stride())  # memory offset of each entry
    return memory.reshape(-1) + offset


def sparsify_bucket(state: SparsifierState,
                    bucket: dist.GradBucket) -> torch.futures.Future[torch.Tensor]:
    """The hook body: select, exchange and average one bucket (see the module docstring)."""
    state.begin_bucket(bucket)
    buffer = bucket.buffer()
    if state.iter < state.start_iter:
        state.count(buffer)
        fut = default_hooks.allreduce_hook(state.process_group, bucket)
        state.end_bucket(bucket)
        return fut

    density = state.current_density()
    value_size = buffer.element_size()
    index_size = torch.empty((), dtype=INDEX_DTYPE).element_size()
    dense_positions, dense_values = [], []
    indices, values, extras, extra_keys = [], [], [], []
    for param, grad in zip(bucket.parameters(), bucket.gradients()):
        key, numel = id(param), grad.numel()
        flat = grad.reshape(-1)  # a view of the bucket when grad is contiguous
        residual = state.residuals.get(key) if state.error_feedback else None
        if residual is not None:
            flat = flat + residual
        owned = residual is not None or not grad.is_contiguous()
        sparse = grad.dim() >= 2 or state.compress_vectors
        if sparse:
            rho = state.layer_density(key, numel, density)
            k = min(numel, max(1, int(round(rho * numel))))
            sparse = k * (index_size + value_size) < numel * value_size
        if not sparse:
            dense_positions.append(layer_positions(grad, buffer))
            dense_values.append(flat)
            state.residuals.pop(key, None)
            continue
        state.last_densities[key] = k / numel
        matrix = flat.view(grad.shape[0], -1) if grad.dim() >= 2 else flat.view(1, -1)
        score = state.scores(matrix)
        selected = torch.topk(score.reshape(-1), k, sorted=False).indices
        values.append(flat[selected])
        indices.append(selected + bucket_offset(grad, buffer) if grad.is_contiguous()
                       else layer_positions(grad, buffer)[selected])
        if state.error_feedback:
            # e_l: v_l without the entries sent (a copy: flat may view the bucket)
            left = flat if owned else flat.clone()
            left[selected] = 0
            state.residuals[key] = left
        extra = state.layer_extras(key, score)
        if extra is not None:
            extras.append(extra.reshape(()).to(torch.float32))
            extra_keys.append(key)

    device, dtype = buffer.device, buffer.dtype
    fut = allgather_sparse(
        state, bucket,
        dense_positions=(torch.cat(dense_positions) if dense_positions
                         else torch.zeros(0, dtype=torch.int64, device=device)),
        values=torch.cat(dense_values + values) if dense_values + values
        else torch.zeros(0, dtype=dtype, device=device),
        indices=(torch.cat(indices).to(INDEX_DTYPE) if indices
                 else torch.zeros(0, dtype=INDEX_DTYPE, device=device)),
        extras=torch.stack(extras) if extras else None,
        on_extras=(lambda gathered: state.receive_extras(extra_keys, gathered))
        if extra_keys else None)
    state.end_bucket(bucket)
    return fut
