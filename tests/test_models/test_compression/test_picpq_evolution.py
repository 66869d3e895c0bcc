"""Regularized evolution of PIC-PQ's (a, b) (evolution.py, fitness.py): the authors'
initialisation (random candidates, then the identity), one evolution step with a tiny budget
that mutates the tournament winner into a new (a, b) replacing the oldest member and keeps the
best ever; a tiny real search (prune, SGD steps, held-out loss) on a tiny ResNet with
synthetic batches; the fitness is the mean held-out cross-entropy; two evaluations of one
candidate through a shuffling, augmenting loader give the same loss."""
import numpy as np
import pytest
import torch

from rszoo.models.compression import FineTuneFitness, PICPQCompressor, RegularizedEvolution

from picpq_helpers import INPUT_SHAPE, build_tiny_resnet, make_batches


@pytest.fixture
def tiny_resnet(single_thread_registry):
    return build_tiny_resnet()


def test_one_evolution_step_changes_ab_and_keeps_the_best():
    evolution = RegularizedEvolution(population=2, tournament=2, iterations=3, seed=0)
    target = np.array([[2.0, 0.5], [1.0, -1.0], [0.5, 0.0]])
    losses = []

    def fitness(ab):
        losses.append(float(((ab - target) ** 2).sum()))
        return losses[-1]

    result = evolution.run(fp_std=[1.0, 2.0, 0.5], fitness=fitness)
    first, identity, child = evolution.history
    assert (first['kind'], identity['kind'], child['kind']) == ('random', 'identity', 'mutation')
    assert np.allclose(identity['ab'], [[1, 0]] * 3)
    parent = np.asarray(evolution.history[child['parent']]['ab'])
    new = np.asarray(child['ab'])
    assert not np.allclose(new, parent)                       # (a, b) changed ...
    changed = np.flatnonzero(np.any(new != parent, axis=1)).tolist()
    assert changed == child['mutated_layers']                 # ... in the mutated layers only
    assert np.all(new[:, 0] > 0)
    # the winner is the lower-loss member of the tournament; the child replaced the oldest
    assert child['replaced'] == 0
    assert child['parent'] == min(child['tournament'], key=lambda m: losses[m])
    # the best ever is kept, whichever member survives
    assert result.best_loss == min(losses)
    assert np.allclose(result.best_ab, evolution.history[int(np.argmin(losses))]['ab'])


def test_evolution_budget_errors():
    with pytest.raises(ValueError, match=r'iterations \(3\) must be >= population \(4\)'):
        RegularizedEvolution(population=4, iterations=3)
    evolution = RegularizedEvolution(population=1, tournament=1, iterations=1)
    with pytest.raises(ValueError, match='fp_std must be a non-empty vector'):
        evolution.start([])


def test_a_tiny_real_search_prunes_fine_tunes_and_scores(tiny_resnet):
    batches = make_batches(num_batches=2, batch_size=4)
    heldout = make_batches(num_batches=1, batch_size=3, seed=1)
    compressor = PICPQCompressor(
        importance=dict(type='FeatureMapRank', num_batches=1),
        pruner=dict(flops_target=0.5),
        evolution=dict(population=2, tournament=2, iterations=3),
        fitness=dict(steps=1, lr=0.01), input_shape=INPUT_SHAPE)
    dense_state = {k: v.clone() for k, v in tiny_resnet.state_dict().items()}
    result = compressor.compress(tiny_resnet, batches, batches, heldout)
    history = result.evolution.history
    assert len(history) == 3 and all(np.isfinite(h['loss']) for h in history)
    assert result.evolution.best_loss == min(h['loss'] for h in history)
    assert result.plan['ab'] == result.evolution.best_ab.tolist()
    assert result.plan['flops']['pruned'] <= result.plan['flops']['target']
    # every candidate fine-tuned a copy: the dense model is untouched
    for key, value in tiny_resnet.state_dict().items():
        assert torch.equal(value, dense_state[key]), key


def test_fitness_is_the_mean_heldout_cross_entropy(tiny_resnet):
    heldout = make_batches(num_batches=2, batch_size=3, seed=2)
    loss = FineTuneFitness(steps=0).heldout_loss(tiny_resnet, heldout)
    logits, labels = [], []
    with torch.no_grad():
        for batch in heldout:
            data = tiny_resnet.data_preprocessor(batch, False)
            logits.append(tiny_resnet(data['inputs'], mode='tensor'))
            labels += [int(s.gt_label) for s in data['data_samples']]
    expected = torch.nn.functional.cross_entropy(torch.cat(logits), torch.tensor(labels))
    assert loss == pytest.approx(float(expected), rel=1e-6)
    with pytest.raises(ValueError, match='held-out loader is empty'):
        FineTuneFitness().heldout_loss(tiny_resnet, [])


class AugmentedSamples(torch.utils.data.Dataset):
    """12 samples with a numpy-random flip (an augmentation drawn from the global generator)."""

    def __init__(self):
        self.batches = make_batches(num_batches=3, batch_size=4, seed=3)

    def __len__(self):
        return 12

    def __getitem__(self, i):
        batch = self.batches[i // 4]
        image = batch['inputs'][i % 4]
        if np.random.rand() < 0.5:
            image = image.flip(-1)
        return dict(inputs=image, data_samples=batch['data_samples'][i % 4])


def test_every_candidate_fine_tunes_on_the_same_batches(tiny_resnet):
    from mmengine.dataset import pseudo_collate
    loader = torch.utils.data.DataLoader(AugmentedSamples(), batch_size=4, shuffle=True,
                                         collate_fn=pseudo_collate)
    heldout = make_batches(num_batches=1, batch_size=4, seed=4)
    compressor = PICPQCompressor(importance=dict(type='L1FilterNorm'), evolution=None,
                                 fitness=dict(steps=4, lr=0.05), input_shape=INPUT_SHAPE)
    fp = compressor.filter_property(tiny_resnet, None)
    ab = np.tile([1.0, 0.0], (len(fp), 1))
    first = compressor.candidate_loss(tiny_resnet, fp, ab, loader, heldout)
    torch.rand(5), np.random.rand(5)   # whatever ran in between
    assert compressor.candidate_loss(tiny_resnet, fp, ab, loader, heldout) == first
