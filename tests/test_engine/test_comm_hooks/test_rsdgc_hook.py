"""RS-DGC on known gradients, one process: it sends exactly the entries the
Neighbourhood Statistical Indicator selects (not the top-k by magnitude), feeds
back the rest, moves keep-fractions towards the layer whose importance changes
while holding the budget, and names the key of a bad argument."""
import pytest
import torch

from rszoo.engine.comm_hooks.rsdgc_hook import RSDGCState, rsdgc_hook

from comm_hook_helpers import FakeBucket, reference_nsi, single_process_group, top_set

CONV = (4, 2, 3, 3)  # a conv weight: the NSI views it as (4, 18)


def conv_grad(seed):
    g = torch.Generator().manual_seed(seed)
    grad = torch.randn(CONV, generator=g) * 0.1
    grad[1:3, :, :, :] += 1.0  # two filters with large, coherent gradients
    return grad


def run(state, params, gs):
    out = rsdgc_hook(state, FakeBucket(params, gs)).wait()
    return out


def sent_positions(out):
    return set(out.nonzero().reshape(-1).tolist())


def test_sends_exactly_the_nsi_selection_and_feeds_back_the_rest():
    params = [torch.nn.Parameter(torch.zeros(CONV))]
    state = RSDGCState(single_process_group(), density=0.125, dynamic=False)  # k = 9 of 72
    g1, g2 = conv_grad(0), conv_grad(1)
    out1 = run(state, params, [g1])
    keep1 = top_set(reference_nsi(g1.view(4, 18)), 9)
    assert sent_positions(out1) == keep1
    assert keep1 != top_set(g1.abs(), 9)  # not the magnitude criterion
    assert torch.equal(out1[sorted(keep1)], g1.reshape(-1)[sorted(keep1)])
    e1 = g1.reshape(-1).clone()
    e1[sorted(keep1)] = 0
    assert torch.equal(state.residuals[id(params[0])], e1)
    # next step: NSI of gradient + residual
    out2 = run(state, params, [g2])
    v2 = g2.reshape(-1) + e1
    keep2 = top_set(reference_nsi(v2.view(4, 18)), 9)
    assert sent_positions(out2) == keep2
    torch.testing.assert_close(out2[sorted(keep2)], v2[sorted(keep2)])
    torch.testing.assert_close(out1 + out2 + state.residuals[id(params[0])],
                               (g1 + g2).reshape(-1))
    # one float32 NSI mean per sparsified layer travels with the payload
    assert state.last_step_bytes == 9 * 4 + 9 * 4 + 4
    assert state.layer_mass[id(params[0])] == pytest.approx(
        reference_nsi(v2.view(4, 18)).mean().item(), rel=1e-5)


def test_magnitude_indicator_is_top_k():
    params = [torch.nn.Parameter(torch.zeros(CONV))]
    state = RSDGCState(single_process_group(), density=0.125, indicator='magnitude',
                       dynamic=False)
    g = conv_grad(2)
    assert sent_positions(run(state, params, [g])) == top_set(g.abs(), 9)


def test_dynamic_ratio_follows_the_changing_layer_within_the_budget():
    params = [torch.nn.Parameter(torch.zeros(16, 64)), torch.nn.Parameter(torch.zeros(16, 64)),
              torch.nn.Parameter(torch.zeros(16))]
    state = RSDGCState(single_process_group(), density=0.05, ratio_range=(0.2, 5.0),
                       change_momentum=0.5, error_feedback=False)
    gen = torch.Generator().manual_seed(0)
    base = [torch.randn(16, 64, generator=gen), torch.randn(16, 64, generator=gen)]
    for t in range(6):
        scale = 1.0 + 0.5 * (t % 2)  # layer 0 swings between 1x and 1.5x, layer 1 steady
        run(state, params, [base[0] * scale, base[1], torch.ones(16)])
    stable, moving = (state.last_densities[id(p)] for p in params[1::-1])
    assert moving > 2 * stable
    # within [r_lo, r_hi] * density, up to the rounding of k (last_densities = k / n)
    assert 0.05 * 0.2 - 1 / 1024 <= stable and moving <= 0.05 * 5.0 + 1 / 1024
    assert (moving + stable) / 2 == pytest.approx(0.05, abs=1 / 1024)  # the budget (k rounding)
    assert state.layer_change[id(params[0])] > 100 * state.layer_change[id(params[1])]
    # bytes: bias dense (16 values), both matrices' k values + indices, 2 NSI means
    k = sum(round(state.last_densities[id(p)] * 1024) for p in params[:2])
    assert state.last_step_bytes == 4 * (16 + k) + 4 * k + 4 * 2


def test_without_dynamic_ratio_every_layer_gets_the_density():
    params = [torch.nn.Parameter(torch.zeros(16, 64)), torch.nn.Parameter(torch.zeros(8, 64))]
    state = RSDGCState(single_process_group(), density=0.05, dynamic=False)
    for t in range(3):
        run(state, params, [torch.randn(16, 64) * (1 + t), torch.randn(8, 64)])
    assert [state.last_densities[id(p)] for p in params] == [51 / 1024, 26 / 512]


@pytest.mark.parametrize('key, value', [
    ('neighbourhood', 2), ('indicator', 'median'), ('std_weight', -1.0),
    ('ratio_range', (2.0, 10.0)), ('ratio_range', 3), ('change_momentum', 1.0),
    ('dynamic', 'yes'), ('density', 0)])
def test_bad_arguments_name_the_key(key, value):
    with pytest.raises(ValueError, match=key):
        RSDGCState(None, **{key: value})
