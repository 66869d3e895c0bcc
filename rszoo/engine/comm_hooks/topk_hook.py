"""Top-k gradient sparsification with error feedback: the DGC baseline of RS-DGC.

Deep Gradient Compression (Lin et al., "Deep Gradient Compression: Reducing
the Communication Bandwidth for Distributed Training", ICLR 2018) without
momentum correction: each process keeps, per layer gradient ``v_l`` (shape
``(n_l,)`` after error feedback), the ``k_l = round(rho * n_l)`` entries of
largest ``|v_l|`` (exact ``torch.topk``, not DGC's sampled threshold), sends
them as (int32 index, value) pairs, and accumulates the rest locally
(:mod:`~rszoo.engine.comm_hooks.sparsifier_state`). This is the
"larger-absolute-more-important" criterion that RS-DGC (Xie et al., arXiv
2312.17530) replaces by its neighbourhood indicator.
"""
import torch
import torch.distributed as dist

from .sparsifier_state import SparsifierState, sparsify_bucket


class TopKState(SparsifierState):
    """State of :func:`topk_hook`: uniform keep-fraction ``rho(t)`` for every
    sparsified layer; arguments as :class:`SparsifierState` (``density``,
    ``start_iter``, ``warmup_iters``, ``error_feedback``, ``compress_vectors``)."""

    def scores(self, matrix: torch.Tensor) -> torch.Tensor:
        """``|v|`` (shape ``(R, C)``, float32)."""
        return matrix.detach().to(torch.float32).abs()


def topk_hook(state: TopKState, bucket: dist.GradBucket) -> torch.futures.Future[torch.Tensor]:
    """DDP communication hook: top-k by magnitude with error feedback, all-gather, average."""
    return sparsify_bucket(state, bucket)
