"""Seeded, stratified pixel splits; band-wise normalisation fitted on training pixels."""
import numpy as np
import pytest

from rszoo.datasets.multimodal import (BandNormalizer, carve_validation, read_pixel_split,
                                       sample_per_class, stratified_pixel_split,
                                       write_pixel_split)

LABELS = np.repeat(np.arange(1, 4), [50, 30, 20])


def test_stratified_split_is_seeded_disjoint_and_per_class():
    a = stratified_pixel_split(LABELS, 0.8, 0.2, seed=0)
    b = stratified_pixel_split(LABELS, 0.8, 0.2, seed=0)
    c = stratified_pixel_split(LABELS, 0.8, 0.2, seed=1)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.array_equal(a['train'], c['train'])
    union = np.concatenate([a['train'], a['val'], a['test']])
    assert sorted(union.tolist()) == list(range(100))
    for label, n in zip((1, 2, 3), (50, 30, 20)):
        counts = [int((LABELS[a[k]] == label).sum()) for k in ('train', 'val', 'test')]
        assert counts == [round(0.6 * n), round(0.2 * n), round(0.2 * n)]


def test_sample_per_class_counts_shares_and_lists():
    parts = sample_per_class(LABELS, 10, seed=3)
    assert [(LABELS[parts['train']] == c).sum() for c in (1, 2, 3)] == [10, 10, 10]
    assert len(parts['test']) == 70 and not set(parts['train']) & set(parts['test'])
    parts = sample_per_class(LABELS, (5, 6, 7), seed=3)
    assert [(LABELS[parts['train']] == c).sum() for c in (1, 2, 3)] == [5, 6, 7]
    parts = sample_per_class(LABELS, 0.1, seed=3)
    assert [(LABELS[parts['train']] == c).sum() for c in (1, 2, 3)] == [5, 3, 2]
    with pytest.raises(ValueError, match='2 counts for 3 classes'):
        sample_per_class(LABELS, (5, 6))


def test_carve_validation_keeps_a_training_pixel_per_class():
    parts = carve_validation(np.array([1, 1, 1, 1, 1, 2]), 0.4, seed=0)
    assert len(parts['val']) == 2 and 5 in parts['train']
    assert len(carve_validation(LABELS, 0.0)['val']) == 0


def test_split_file_roundtrip(tmp_path):
    path = tmp_path / 'split_seed0.json'
    write_pixel_split(path, {'train': np.array([3, 1]), 'test': np.array([2])}, {'seed': 0})
    assert read_pixel_split(path, 'train').tolist() == [3, 1]
    with pytest.raises(KeyError, match='no split "val"'):
        read_pixel_split(path, 'val')


def test_band_normalizer_uses_only_the_fit_pixels():
    train = np.array([[0.0, 10.0], [2.0, 30.0]])
    norm = BandNormalizer('minmax').fit(train)
    out = norm.transform(np.array([[1.0, 20.0], [4.0, 50.0]]))
    np.testing.assert_allclose(out, [[0.5, 0.5], [2.0, 2.0]])  # test pixels may leave [0, 1]
    z = BandNormalizer('zscore').fit(train).transform(train)
    np.testing.assert_allclose(z.mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(z.std(0), 1, atol=1e-6)
    with pytest.raises(ValueError, match='fitted on 2 bands, got 3'):
        norm.transform(np.zeros((1, 3)))
    with pytest.raises(RuntimeError, match='fit'):
        BandNormalizer().transform(np.zeros((1, 2)))
