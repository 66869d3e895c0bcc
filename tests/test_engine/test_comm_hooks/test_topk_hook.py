"""Top-k with error feedback (the DGC baseline) on a known gradient, one process:
it sends exactly the k largest |v|, keeps the rest as residual and re-adds it the
next step; the schedule, the bytes and the argument checks."""
import pytest
import torch

from rszoo.engine.comm_hooks.sparsifier_state import layer_positions
from rszoo.engine.comm_hooks.topk_hook import TopKState, topk_hook

from comm_hook_helpers import FakeBucket, single_process_group, top_set

W_SHAPE, B_SHAPE = (4, 8), (4,)


@pytest.fixture
def params():
    return [torch.nn.Parameter(torch.zeros(W_SHAPE)), torch.nn.Parameter(torch.zeros(B_SHAPE))]


def grads(seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(W_SHAPE, generator=g), torch.randn(B_SHAPE, generator=g)]


def step(state, params, gs):
    bucket = FakeBucket(params, gs)
    out = topk_hook(state, bucket).wait()
    return out[:32].view(W_SHAPE), out[32:]


def test_sends_the_k_largest_and_feeds_back_the_rest(params):
    state = TopKState(single_process_group(), density=0.25)  # k = 8 of 32
    g1, g2 = grads(1), grads(2)
    w1, b1 = step(state, params, g1)
    keep1 = top_set(g1[0].abs(), 8)
    assert set(w1.reshape(-1).nonzero().reshape(-1).tolist()) == keep1
    assert torch.equal(w1.reshape(-1)[sorted(keep1)], g1[0].reshape(-1)[sorted(keep1)])
    assert torch.equal(b1, g1[1])  # vectors go dense
    e1 = g1[0].reshape(-1).clone()
    e1[sorted(keep1)] = 0
    assert torch.equal(state.residuals[id(params[0])], e1)
    assert id(params[1]) not in state.residuals
    # next step: the residual is added before selecting
    w2, b2 = step(state, params, g2)
    v2 = g2[0].reshape(-1) + e1
    keep2 = top_set(v2.abs(), 8)
    assert set(w2.reshape(-1).nonzero().reshape(-1).tolist()) == keep2
    torch.testing.assert_close(w2.reshape(-1)[sorted(keep2)], v2[sorted(keep2)])
    # nothing is lost: sent + residual = sum of gradients
    torch.testing.assert_close(w1 + w2 + state.residuals[id(params[0])].view(W_SHAPE),
                               g1[0] + g2[0])
    assert state.iter == 2 and state.last_densities[id(params[0])] == 0.25


def test_without_error_feedback_nothing_is_kept(params):
    state = TopKState(single_process_group(), density=0.25, error_feedback=False)
    step(state, params, grads(1))
    w2, _ = step(state, params, grads(2))
    assert not state.residuals
    assert set(w2.reshape(-1).nonzero().reshape(-1).tolist()) == top_set(grads(2)[0].abs(), 8)


def test_bytes_are_values_and_indices(params):
    state = TopKState(single_process_group(), density=0.25)
    step(state, params, grads(1))
    # float32 values: 4 bias + 8 weight entries; int32 indices: 8
    assert state.comm_stats() == dict(bytes=4 * 12 + 4 * 8, dense_bytes=4 * 36,
                                      compression=144 / 80)
    assert state.total_bytes == 80


def test_dense_start_then_geometric_warm_up(params):
    state = TopKState(single_process_group(), density=0.01, start_iter=2, warmup_iters=4)
    g = grads(3)
    for _ in range(2):  # plain all-reduce: the gradient itself, all bytes
        w, b = step(state, params, g)
        assert torch.equal(w, g[0]) and state.last_step_bytes == 144
    assert state.current_density() == 1.0
    w, _ = step(state, params, g)  # rho = 1: sparse would not be smaller, sent dense
    assert torch.equal(w, g[0]) and state.last_step_bytes == 144
    assert state.current_density() == pytest.approx(0.01 ** 0.25)
    state.iter = 2 + 4
    assert state.current_density() == 0.01


def test_a_matrix_whose_sparse_form_is_not_smaller_goes_dense(params):
    state = TopKState(single_process_group(), density=0.5)  # k=16: 16 * 8 bytes == 32 * 4
    g = grads(4)
    w, _ = step(state, params, g)
    assert torch.equal(w, g[0]) and state.last_step_bytes == 144 and not state.residuals


def test_positions_of_a_channels_last_bucket_view():
    buffer = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32)
    view = buffer.as_strided((2, 3, 2, 2), (12, 1, 6, 3))  # NHWC memory, NCHW logical
    positions = layer_positions(view, buffer)
    assert torch.equal(buffer[positions], view.reshape(-1))


@pytest.mark.parametrize('key, value', [('density', 0.0), ('density', 1.5),
                                        ('start_iter', -1), ('warmup_iters', 2.5),
                                        ('error_feedback', 1)])
def test_bad_arguments_name_the_key(key, value):
    with pytest.raises(ValueError, match=key):
        TopKState(None, **{key: value})
