"""Sparse gradient exchange: all-gather every process's (index, value) pairs, then average.

Sparsified gradients cannot be all-reduced as they are (each process keeps
other positions), so every process all-gathers the others' payloads and sums
them into the bucket itself, as Deep Gradient Compression does (Lin et al.,
"Deep Gradient Compression", ICLR 2018) and RS-DGC prescribes (Xie et al.,
"RS-DGC: Exploring Neighborhood Statistics for Dynamic Gradient Compression
on Remote Sensing Image Interpretation", arXiv 2312.17530):

    g_avg[i] = (1 / W) * sum_w  v_w[i]   over the entries i process w sent,

with ``W`` the world size. One process's payload is three segments packed
into one ``uint8`` tensor, so one ``all_gather`` per bucket carries them:

==========  ============================  =====================================
segment     shape, dtype                  content
==========  ============================  =====================================
values      ``(D + K,)``, bucket dtype    the ``D`` entries sent dense (in the
                                          order of ``dense_positions``), then
                                          the ``K`` selected entries
indices     ``(K,)``, ``int32``           flat positions in the bucket buffer
                                          of the ``K`` selected entries
extras      ``(E,)``, ``float32``         side information (RS-DGC: one NSI
                                          mean per sparsified layer), may be 0
==========  ============================  =====================================

Each segment starts at a multiple of its element size (padding bytes, if any,
are sent and counted). The dense positions are the same on every process and
are not sent. ``all_gather`` needs the same payload size on every process:
the callers choose ``D`` and ``K`` from information every process shares.
The plain list form of ``torch.distributed.all_gather`` is used: it runs on
gloo (CPU) and nccl (GPU) alike.
"""
from typing import Callable, List, Optional, Sequence, Tuple

import torch
import torch.distributed as dist

#: dtype of the transmitted indices; a bucket holds far fewer than 2**31 entries
INDEX_DTYPE = torch.int32


def pack_segments(segments: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, list]:
    """Pack 1-D tensors of any dtypes into one ``uint8`` tensor.

    Args:
        segments: 1-D tensors on one device.

    Returns:
        tuple: the packed ``uint8`` tensor of shape ``(nbytes,)`` and the layout,
        a list of ``(dtype, count, start_byte)`` per segment for
        :func:`unpack_segments`.
    """
    parts, layout, offset = [], [], 0
    device = segments[0].device
    for seg in segments:
        if seg.dim() != 1:
            raise ValueError(f'pack_segments expects 1-D tensors, got shape {tuple(seg.shape)}')
        size = seg.element_size()
        pad = (-offset) % size
        if pad:
            parts.append(torch.zeros(pad, dtype=torch.uint8, device=device))
            offset += pad
        layout.append((seg.dtype, seg.numel(), offset))
        parts.append(seg.contiguous().view(torch.uint8))
        offset += seg.numel() * size
    return torch.cat(parts), layout


def unpack_segments(gathered: torch.Tensor, layout: list) -> List[torch.Tensor]:
    """Split gathered payloads (shape ``(W, nbytes)``, ``uint8``) back into
    per-segment tensors of shape ``(W, count)`` in their dtypes."""
    out = []
    for dtype, count, start in layout:
        nbytes = count * torch.empty((), dtype=dtype).element_size()
        out.append(gathered[:, start:start + nbytes].contiguous().view(dtype))
    return out


def allgather_sparse(state,
                     bucket: dist.GradBucket,
                     dense_positions: torch.Tensor,
                     values: torch.Tensor,
                     indices: torch.Tensor,
                     extras: Optional[torch.Tensor] = None,
                     on_extras: Optional[Callable[[torch.Tensor], None]] = None
                     ) -> torch.futures.Future[torch.Tensor]:
    """All-gather one bucket's payload, average it into the bucket buffer.

    Args:
        state (CommState): counts the bytes of the packed payload.
        bucket (GradBucket): its ``buffer()`` (shape ``(n,)``) receives the
            average; entries no process sent become 0.
        dense_positions (Tensor): ``(D,)`` int64, buffer positions of the
            entries sent dense (same on every process).
        values (Tensor): ``(D + K,)`` in the buffer's dtype: dense entries,
            then selected entries.
        indices (Tensor): ``(K,)`` ``int32`` buffer positions of the selected
            entries.
        extras (Tensor, optional): ``(E,)`` float32 side information.
        on_extras (callable, optional): called with the gathered extras,
            shape ``(W, E)``, before the future completes.

    Returns:
        Future: completes with the bucket buffer holding ``(1/W) sum_w v_w``.
    """
    buffer = bucket.buffer()
    group = state.group
    world_size = dist.get_world_size(group)
    if values.dtype != buffer.dtype:
        raise TypeError(f'values must have the bucket dtype {buffer.dtype}, got {values.dtype}')
    if indices.dtype != INDEX_DTYPE:
        raise TypeError(f'indices must be {INDEX_DTYPE}, got {indices.dtype}')
    if extras is None:
        extras = torch.zeros(0, dtype=torch.float32, device=buffer.device)
    packed, layout = pack_segments([values, indices, extras.to(torch.float32)])
    state.count(packed)
    outputs = [torch.empty_like(packed) for _ in range(world_size)]
    work = dist.all_gather(outputs, packed, group=group, async_op=True)
    num_dense = dense_positions.numel()

    def average(fut) -> torch.Tensor:
        fut.wait()
        gathered_values, gathered_indices, gathered_extras = unpack_segments(
            torch.stack(outputs), layout)
        positions = torch.cat(
            [dense_positions.expand(world_size, num_dense),
             gathered_indices.to(torch.int64)], dim=1)
        buffer.zero_()
        buffer.index_add_(0, positions.reshape(-1), gathered_values.reshape(-1))
        buffer.div_(world_size)
        if on_extras is not None:
            on_extras(gathered_extras)
        return buffer

    return work.get_future().then(average)
