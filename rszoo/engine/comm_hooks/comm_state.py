"""``CommState``: what every rszoo DDP communication hook state counts.

A DDP communication hook (``DistributedDataParallel.register_comm_hook(state,
hook)``) is called once per gradient bucket per training step, with a
``torch.distributed.GradBucket`` whose ``buffer()`` is the flat 1-D gradient
tensor of that bucket (shape ``(bucket_numel,)``). The states of rszoo's hooks
(:mod:`rszoo.engine.comm_hooks`) derive from :class:`CommState`, which counts
the bytes each hook hands to its collectives:

- ``bytes_sent``: the bytes of the tensors this process passed to the
  collective(s) of its buckets, summed over the buckets of one step
  (``tensor.numel() * tensor.element_size()``: values, indices and any
  side information, in their real dtypes). This is the payload a process
  contributes, the figure gradient-compression papers compare; the bytes on
  the wire depend on the collective's algorithm (a ring all-reduce moves
  ``2 (W - 1) / W`` times its input per process, an all-gather ``W - 1`` times
  it) and are not what is counted.
- ``dense_bytes``: the bytes the uncompressed bucket buffers hold (what DDP's
  own all-reduce would hand over), so ``dense_bytes / bytes_sent`` is the
  compression ratio of the step.

Counting happens in the hook body, when a collective is launched (its input
sizes are known then), never in a future's callback, so a step's figures are
complete once DDP's backward pass has returned. Buffer broadcasts
(``broadcast_buffers=True``) and the one-off parameter broadcast at
construction are not gradient exchange and are not counted.
"""
from typing import Optional

import torch
import torch.distributed as dist


class CommState:
    """Step bookkeeping and byte counters shared by rszoo's hook states.

    Args:
        process_group (ProcessGroup, optional): the group the hook talks to;
            ``None`` is the default (world) group.

    Attributes:
        iter (int): completed steps (a step ends with its last bucket,
            ``bucket.is_last()``); compression schedules read it.
        last_step_bytes (int): ``bytes_sent`` of the last completed step.
        last_step_dense_bytes (int): ``dense_bytes`` of the last completed step.
        total_bytes (int): ``bytes_sent`` summed over all completed steps.
    """

    def __init__(self, process_group: Optional[dist.ProcessGroup] = None):
        self.process_group = process_group
        self.iter = 0
        self.last_step_bytes = 0
        self.last_step_dense_bytes = 0
        self.total_bytes = 0
        self._step_bytes = 0
        self._step_dense_bytes = 0
        self._step_open = False

    # ------------------------------------------------------------- bookkeeping
    @property
    def group(self) -> dist.ProcessGroup:
        """The process group to use (the world group when none was given)."""
        return self.process_group if self.process_group is not None else dist.group.WORLD

    @property
    def world_size(self) -> int:
        return dist.get_world_size(self.group)

    def begin_bucket(self, bucket: dist.GradBucket) -> bool:
        """Open the step on its first bucket; returns whether this bucket opened it."""
        opened = not self._step_open
        if opened:
            self._step_open = True
            self._step_bytes = 0
            self._step_dense_bytes = 0
            self.on_step_begin()
        buffer = bucket.buffer()
        self._step_dense_bytes += buffer.numel() * buffer.element_size()
        return opened

    def count(self, *tensors: torch.Tensor) -> int:
        """Add the bytes of the tensors handed to a collective; returns them."""
        return self.add_bytes(sum(t.numel() * t.element_size() for t in tensors))

    def add_bytes(self, nbytes: int) -> int:
        """Add ``nbytes`` handed to a collective (when only their size is known)."""
        self._step_bytes += int(nbytes)
        return int(nbytes)

    def end_bucket(self, bucket: dist.GradBucket) -> None:
        """Close the step after its last bucket (``bucket.is_last()``)."""
        if bucket.is_last():
            self.last_step_bytes = self._step_bytes
            self.last_step_dense_bytes = self._step_dense_bytes
            self.total_bytes += self._step_bytes
            self.iter += 1
            self._step_open = False

    def on_step_begin(self) -> None:
        """Called once per step, before its first bucket is handled."""

    def set_iter(self, iteration: int) -> None:
        """Continue the schedules from ``iteration`` (a resumed run)."""
        self.iter = int(iteration)

    # ----------------------------------------------------------------- logging
    def comm_stats(self) -> dict:
        """The last completed step's figures, for logs (plain Python numbers).

        Returns:
            dict: ``bytes`` (sent by this process), ``dense_bytes`` (the
            uncompressed buffers) and ``compression`` (their ratio; 0.0 before
            the first step).
        """
        sent, dense = self.last_step_bytes, self.last_step_dense_bytes
        return dict(bytes=int(sent), dense_bytes=int(dense),
                    compression=float(dense) / sent if sent else 0.0)
