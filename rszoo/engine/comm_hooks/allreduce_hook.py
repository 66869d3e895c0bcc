"""Dense all-reduce with byte counting: the uncompressed peer of RS-DGC.

The same exchange as DDP's built-in all-reduce (torch's
``ddp_comm_hooks.default_hooks.allreduce_hook``: divide the flat bucket by the
world size ``W``, all-reduce it, return it), with the bytes handed to the
collective counted by :class:`~rszoo.engine.comm_hooks.comm_state.CommState`.
Per bucket of ``n`` gradient entries in dtype ``d`` it sends
``n * sizeof(d)`` bytes: a compression ratio of 1.
"""
import torch
import torch.distributed as dist
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks

from .comm_state import CommState


class AllReduceState(CommState):
    """State of :func:`allreduce_hook`: only the byte counters.

    Args:
        process_group (ProcessGroup, optional): the group; ``None`` is the world.
    """


def allreduce_hook(state: AllReduceState,
                   bucket: dist.GradBucket) -> torch.futures.Future[torch.Tensor]:
    """Average the bucket ``g`` (shape ``(n,)``) over the ``W`` processes:
    ``g <- sum_w g_w / W``, counting the ``n`` entries sent."""
    state.begin_bucket(bucket)
    buffer = bucket.buffer()
    state.count(buffer)
    fut = default_hooks.allreduce_hook(state.process_group, bucket)
    state.end_bucket(bucket)
    return fut
