"""PowerSGD (PyTorch's built-in DDP hook) with byte counting: a peer of RS-DGC.

Vogels et al., "PowerSGD: Practical Low-Rank Gradient Compression for
Distributed Optimization", NeurIPS 2019, as implemented by
``torch.distributed.algorithms.ddp_comm_hooks.powerSGD_hook`` (used as it is,
not rewritten). Per bucket it all-reduces, in the bucket dtype:

- the uncompressed tensors (vectors, and matrices too small to gain ``>
  min_compression_rate``), concatenated;
- ``P`` (``n x r`` per compressed ``n x m`` matrix) and ``Q`` (``m x r``),

or, during its first ``start_powerSGD_iter`` steps, the whole bucket. The
bytes counted are the entries of those all-reduce inputs times the element
size: the bucket's size in the vanilla phase, else the growth of torch's own
``total_numel_after_compression`` (uncompressed entries + ``P`` + ``Q``, added
up when the hook splits the bucket, before any collective).

torch's hook launches its ``P`` and ``Q`` all-reduces from future callbacks,
so with several buckets the processes can issue them in different orders;
gloo then pairs collectives of different buckets and fails ("Received data
size doesn't match expected size"; torch runs its PowerSGD tests on nccl only,
pytorch/pytorch#58467). On every backend but nccl this wrapper therefore waits
for a bucket's compressed exchange before returning it, so the buckets run one
after the other (no overlap of their communication with the backward pass).
"""
import inspect
from typing import Optional

import torch
import torch.distributed as dist
from torch.distributed.algorithms.ddp_comm_hooks import powerSGD_hook as torch_powersgd

from .comm_state import CommState


class PowerSGDCommState(CommState):
    """Byte counters around torch's ``PowerSGDState`` (attribute ``powersgd``).

    Args:
        process_group (ProcessGroup, optional): the group; ``None`` is the world.
        **powersgd_kwargs: torch's ``PowerSGDState`` arguments
            (``matrix_approximation_rank``, ``start_powerSGD_iter``,
            ``min_compression_rate``, ``use_error_feedback``, ``warm_start``,
            ``orthogonalization_epsilon``, ``random_seed``,
            ``compression_stats_logging_frequency``,
            ``batch_tensors_with_same_shape``).
    """

    #: the keyword arguments passed on to torch's ``PowerSGDState``
    forwarded_arguments = tuple(
        name for name in inspect.signature(torch_powersgd.PowerSGDState.__init__).parameters
        if name not in ('self', 'process_group'))

    def __init__(self, process_group: Optional[dist.ProcessGroup] = None, **powersgd_kwargs):
        super().__init__(process_group)
        self.powersgd = torch_powersgd.PowerSGDState(process_group=process_group,
                                                     **powersgd_kwargs)

    def set_iter(self, iteration: int) -> None:
        super().set_iter(iteration)
        self.powersgd.iter = int(iteration)


def powersgd_hook(state: PowerSGDCommState,
                  bucket: dist.GradBucket) -> torch.futures.Future[torch.Tensor]:
    """DDP communication hook: torch's ``powerSGD_hook`` on ``state.powersgd``,
    counting the entries it hands to its all-reduces."""
    state.begin_bucket(bucket)
    inner = state.powersgd
    buffer = bucket.buffer()
    vanilla = inner.iter < inner.start_powerSGD_iter
    before = inner.total_numel_after_compression
    fut = torch_powersgd.powerSGD_hook(inner, bucket)
    numel = buffer.numel() if vanilla else inner.total_numel_after_compression - before
    state.add_bytes(numel * buffer.element_size())
    if not vanilla and dist.get_backend(state.group) != 'nccl':
        fut.wait()  # one bucket's three all-reduces at a time (see the module docstring)
    state.end_bucket(bucket)
    return fut
