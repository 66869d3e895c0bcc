"""Sparse exchange: packing keeps every segment's bytes and dtype (with
alignment), and the all-gather writes the average into the bucket."""
import torch

from rszoo.engine.comm_hooks.comm_state import CommState
from rszoo.engine.comm_hooks.sparse_exchange import (allgather_sparse, pack_segments,
                                                     unpack_segments)

from comm_hook_helpers import FakeBucket, single_process_group


def test_pack_round_trip_with_alignment():
    half = torch.tensor([1.5, -2.0, 3.25], dtype=torch.float16)  # 6 bytes
    idx = torch.tensor([7, 9], dtype=torch.int32)  # starts at byte 8 (2 bytes of padding)
    extra = torch.tensor([0.5], dtype=torch.float32)
    packed, layout = pack_segments([half, idx, extra])
    assert packed.dtype == torch.uint8 and packed.numel() == 6 + 2 + 8 + 4
    assert [start for _, _, start in layout] == [0, 8, 16]
    gathered = unpack_segments(torch.stack([packed, packed]), layout)
    for got, want in zip(gathered, (half, idx, extra)):
        assert got.shape == (2, want.numel()) and got.dtype == want.dtype
        assert torch.equal(got[1], want)


def test_allgather_sparse_writes_the_entries_sent():
    params = [torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(2, 4))]
    bucket = FakeBucket(params, [torch.ones(3), torch.ones(2, 4)])
    state = CommState(single_process_group())
    state.begin_bucket(bucket)
    seen = []
    fut = allgather_sparse(
        state, bucket, dense_positions=torch.tensor([0, 1, 2]),
        values=torch.tensor([1., 2., 3., 10., 20.]),
        indices=torch.tensor([4, 10], dtype=torch.int32),
        extras=torch.tensor([0.25]), on_extras=seen.append)
    state.end_bucket(bucket)
    out = fut.wait()
    expected = torch.zeros(11)
    expected[[0, 1, 2, 4, 10]] = torch.tensor([1., 2., 3., 10., 20.])
    assert torch.equal(out, expected) and out.data_ptr() == bucket.buffer().data_ptr()
    assert torch.equal(seen[0], torch.tensor([[0.25]]))
    assert state.last_step_bytes == 5 * 4 + 2 * 4 + 4 and state.last_step_dense_bytes == 44
    assert state.comm_stats() == dict(bytes=32, dense_bytes=44, compression=44 / 32)
