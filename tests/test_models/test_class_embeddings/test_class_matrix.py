"""``class_matrix``: class embeddings from an array or a file (rows matched by name), and its
errors.
"""
import numpy as np
import pytest

from helpers.mcfa import CLASSES

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_class_matrix_sources_and_errors(zsl_files, tmp_path):
    from rszoo.models.class_embeddings import class_matrix
    emb = np.load(zsl_files['emb'])
    from_array, provider = class_matrix(emb, CLASSES, owner='T')
    assert provider is None and np.array_equal(from_array, emb)
    # a file: rows matched by the sidecar's class names when it has one
    np.save(tmp_path / 'named.npy', emb[::-1])
    (tmp_path / 'named.txt').write_text('\n'.join(CLASSES[::-1]))
    from_file, provider = class_matrix(str(tmp_path / 'named.npy'), CLASSES, owner='T')
    assert np.array_equal(from_file, emb) and provider is not None
    with pytest.raises(ValueError, match=r'T: class embeddings of shape \(5, 8\); expected \(6, D\)'):
        class_matrix(emb[:5], CLASSES, owner='T')
    with pytest.raises(ValueError, match='NaN or infinite'):
        class_matrix(np.full((6, 2), np.nan), CLASSES, owner='T')
    with pytest.raises(FileNotFoundError, match='T: class embeddings file .*missing.npy'):
        class_matrix(str(tmp_path / 'missing.npy'), CLASSES, owner='T')
