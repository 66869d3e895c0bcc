"""Z-scoring of the class-attribute columns for DSVA: ``zscore_columns`` on a hand-made
matrix (values worked out by hand), DSVA's ``attribute_normalization`` (statistics over the
classes of its ``class_subset`` only) and the provenance of a matrix file (``.meta.json``).

Tiny tensors only; nothing is downloaded and no data set is read.
"""
import json
import math

import numpy as np
import pytest
import torch

from rszoo.models.class_embeddings.attribute_annotation import (CLIP_SOURCE,
                                                                TEXT_ONLY_SOURCE,
                                                                zscore_columns)
from helpers.dsva import CLASSES, image_batch, tiny_dsva

pytestmark = pytest.mark.usefixtures('single_thread_registry')

#: 3 classes x 3 attributes: a spread column, a constant column, a shuffled spread column
HAND = np.array([[1., 2., 5.],
                 [3., 2., 1.],
                 [5., 2., 3.]])


def test_zscore_columns_hand_made_matrix():
    # column 0: mean 3, population std sqrt(8/3) -> (-2, 0, 2) / sqrt(8/3) = -+sqrt(3/2)
    r = math.sqrt(1.5)
    expected = np.array([[-r, 0., r],
                         [0., 0., -r],
                         [r, 0., 0.]])
    z = zscore_columns(HAND)
    np.testing.assert_allclose(z, expected, atol=1e-12)
    np.testing.assert_allclose(z.mean(axis=0), 0., atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), [1., 0., 1.], atol=1e-12)  # constant -> 0
    np.testing.assert_allclose(zscore_columns(z), z, atol=1e-12)  # idempotent
    # statistics over rows 0 and 1 only: means (2, 2, 3), stds (1, -, 2); row 2 follows them
    np.testing.assert_allclose(zscore_columns(HAND, rows=[0, 1]),
                               [[-1., 0., 1.],
                                [1., 0., -1.],
                                [3., 0., 0.]], atol=1e-12)
    with pytest.raises(ValueError, match='classes, attributes'):
        zscore_columns(np.ones(3))
    with pytest.raises(ValueError, match='no class'):
        zscore_columns(HAND, rows=[])


def hand_matrix():
    """6 classes x 2 attributes (the toy split's classes), by hand."""
    return np.array([[0., 1.], [2., 1.], [4., 1.], [6., 3.], [100., -7.], [-50., 9.]],
                    dtype=np.float32)


def test_dsva_zscores_over_the_classes_of_its_subset(dsva_split_file):
    raw = hand_matrix()
    plain = tiny_dsva(dsva_split_file, class_attributes=raw)
    assert plain.attribute_normalization == 'none'
    np.testing.assert_array_equal(plain.class_attributes.numpy(), raw)

    # class_subset 'test': all 6 classes; column 1 of rows 0..3 is (1, 1, 1, 3) etc.
    model = tiny_dsva(dsva_split_file, class_attributes=raw, attribute_normalization='zscore')
    phi = model.class_attributes.numpy()
    assert phi.dtype == np.float32 and phi.shape == (6, 2)
    mean = raw.mean(axis=0)
    std = np.sqrt(((raw - mean) ** 2).mean(axis=0))
    np.testing.assert_allclose(phi, (raw - mean) / std, rtol=1e-5, atol=1e-6)

    # class_subset 'val': seen = class0..class2, unseen (val_unseen) = class3; the unseen
    # TEST classes (class4, class5, with their outlying values) take no part
    val = tiny_dsva(dsva_split_file, class_attributes=raw, attribute_normalization='zscore',
                    class_subset='val')
    phi = val.class_attributes.numpy()
    # column 0 over (0, 2, 4, 6): mean 3, std sqrt(5); column 1 over (1, 1, 1, 3): mean 1.5,
    # std sqrt(0.75)
    np.testing.assert_allclose(phi[:4, 0], np.array([-3., -1., 1., 3.]) / math.sqrt(5),
                               rtol=1e-5)
    np.testing.assert_allclose(phi[:4, 1], np.array([-.5, -.5, -.5, 1.5]) / math.sqrt(.75),
                               rtol=1e-5)
    changed = raw.copy()
    changed[4:] = [[-1e3, 1e3], [5., 5.]]
    other = tiny_dsva(dsva_split_file, class_attributes=changed,
                      attribute_normalization='zscore', class_subset='val')
    np.testing.assert_allclose(other.class_attributes.numpy()[:4], phi[:4], rtol=1e-6)

    # the regression targets are the normalised rows
    val.train()
    batch = val.data_preprocessor(image_batch([0, 1, 2]), True)
    losses = val.loss(batch['inputs'], batch['data_samples'])
    assert torch.isfinite(sum(losses.values()))

    with pytest.raises(ValueError, match='attribute_normalization'):
        tiny_dsva(dsva_split_file, class_attributes=raw, attribute_normalization='l2')


def _write_matrix(folder, name, source):
    path = folder / f'{name}.npy'
    np.save(path, hand_matrix())
    (folder / f'{name}.txt').write_text('\n'.join(CLASSES) + '\n')
    (folder / f'{name}.meta.json').write_text(json.dumps(dict(source=source)))
    return str(path)


def test_dsva_keeps_the_source_of_its_matrix_and_flags_the_fallback(dsva_split_file,
                                                                    tmp_path, monkeypatch):
    import mmengine.logging
    logged = []
    monkeypatch.setattr(mmengine.logging, 'print_log',
                        lambda msg, *a, **k: logged.append(msg) if str(msg).startswith('DSVA')
                        else None)
    model = tiny_dsva(dsva_split_file, class_attributes=_write_matrix(
        tmp_path, 'text', TEXT_ONLY_SOURCE))
    assert model.attribute_source == TEXT_ONLY_SOURCE
    assert len(logged) == 1 and 'text-only fallback (MiniLM)' in logged[0]
    logged.clear()
    model = tiny_dsva(dsva_split_file, class_attributes=_write_matrix(
        tmp_path, 'clip', CLIP_SOURCE))
    assert model.attribute_source == CLIP_SOURCE and not logged
    model = tiny_dsva(dsva_split_file, class_attributes=hand_matrix())  # an array: unknown
    assert model.attribute_source is None and not logged
