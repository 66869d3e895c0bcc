"""CommHookDDP on two gloo processes: built from a config dict, every hook gives
both processes the same averaged gradient, the one the method prescribes, and
counts the bytes it hands to the collectives.

One spawn (two processes, ``torch.set_num_threads(1)``) runs every hook type for
three steps on Linear(16, 8) -> Tanh -> Linear(8, 4) with rank-specific inputs,
each parameter in a bucket of its own (4 buckets a step); the tests read what
the workers wrote.
"""
import json

import pytest
import torch
import torch.multiprocessing as mp

from comm_hook_helpers import (HOOK_CONFIGS, STEPS, ddp_worker, local_grads_of,
                               reference_sparse)

WORLD = 2
DENSE = 4 * (128 + 8 + 32 + 4)  # float32 bytes of all gradients
# bytes per step and process (float32 values, int32 indices):
#   top-k: k = round(0.1 * 128) = 13 and round(0.1 * 32) = 3 (index + value each), biases dense
#   PowerSGD: dense for start_powerSGD_iter=2 steps, then biases + P and Q of rank 1
#   (8 + 16 and 4 + 8 entries)
EXPECTED_BYTES = {
    'allreduce': [DENSE] * 3,
    'topk': [4 * (8 + 4) + 8 * (13 + 3)] * 3,
    'powersgd': [DENSE, DENSE, 4 * (8 + 4 + 8 + 16 + 4 + 8)],
}


@pytest.fixture(scope='module')
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('comm_hook_ddp')
    mp.spawn(ddp_worker, args=(WORLD, str(tmp / 'init'), str(tmp)), nprocs=WORLD, join=True)
    return [json.loads((tmp / f'rank{r}.json').read_text()) for r in range(WORLD)]


def test_wrapper_is_built_from_the_config_dict(results):
    for rank in range(WORLD):
        assert set(results[rank]) == set(HOOK_CONFIGS)
        assert {r['type'] for r in results[rank].values()} == {'CommHookDDP'}


@pytest.mark.parametrize('kind', sorted(HOOK_CONFIGS))
def test_processes_agree_on_the_averaged_gradient(results, kind):
    for step in results[0][kind]['steps']:
        ddp0, ddp1 = step['ddp']
        for name in ddp0:
            assert torch.equal(torch.tensor(ddp0[name]), torch.tensor(ddp1[name])), name


def test_dense_allreduce_is_the_mean(results):
    local = local_grads_of(results[0]['allreduce'])
    for s, step in enumerate(results[0]['allreduce']['steps']):
        for name, value in step['ddp'][0].items():
            torch.testing.assert_close(torch.tensor(value),
                                       (local[0][s][name] + local[1][s][name]) / 2)


@pytest.mark.parametrize('kind', ['topk', 'rsdgc'])
def test_sparse_average_and_bytes_are_the_methods(results, kind):
    expected = reference_sparse(kind, local_grads_of(results[0][kind]), HOOK_CONFIGS[kind])
    for s, step in enumerate(results[0][kind]['steps']):
        grads, nbytes = expected[s]
        for name, value in step['ddp'][0].items():
            torch.testing.assert_close(torch.tensor(value, dtype=torch.float64), grads[name],
                                       rtol=1e-5, atol=1e-6)
        for rank in range(WORLD):
            assert results[rank][kind]['steps'][s]['bytes'] == nbytes, (rank, s)


def test_powersgd_compresses_after_its_start(results):
    steps = results[0]['powersgd']['steps']
    local = local_grads_of(results[0]['powersgd'])
    for s, step in enumerate(steps):
        weight = torch.tensor(step['ddp'][0]['0.weight'])
        mean = (local[0][s]['0.weight'] + local[1][s]['0.weight']) / 2
        if s < 2:  # vanilla all-reduce
            torch.testing.assert_close(weight, mean)
        else:  # rank-1 approximation (plus error feedback): not the mean
            assert not torch.allclose(weight, mean, atol=1e-4)
    assert [s['iter'] for s in steps] == list(range(1, STEPS + 1))


@pytest.mark.parametrize('kind', sorted(EXPECTED_BYTES))
def test_bytes_counted_are_the_payload(results, kind):
    for rank in range(WORLD):
        steps = results[rank][kind]['steps']
        assert [s['bytes'] for s in steps] == EXPECTED_BYTES[kind]
        assert [s['dense_bytes'] for s in steps] == [DENSE] * STEPS


def test_rsdgc_keep_fractions_move_and_agree_across_processes(results):
    """From the third step both processes use the same non-uniform fractions,
    derived from the NSI means they exchanged (the all-gather needs equal sizes)."""
    fractions = [[s['densities'] for s in results[r]['rsdgc']['steps']] for r in range(WORLD)]
    assert fractions[0] == fractions[1]
    first, last = fractions[0][0], fractions[0][-1]
    assert first == [13 / 128, None, 3 / 32, None]  # uniform: no history yet
    assert last != first and last[1] is None and last[3] is None
