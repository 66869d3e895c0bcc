"""``ZSLFeatureDataset``: the zero-shot subsets of a feature file, and its checks."""
import numpy as np
import pytest

from rszoo.datasets.zeroshot import ZSLFeatureDataset


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_feature_dataset_subsets(zsl_files):
    train = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='train')
    test = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='test')
    assert set(train.labels) == {0, 1, 2, 3} and len(train) == 4 * 16
    assert np.bincount(test.labels).tolist() == [4, 4, 4, 4, 20, 20]
    assert not set(train.positions) & set(test.positions)
    assert test.metainfo['seen_indices'] == [0, 1, 2, 3]
    assert test.metainfo['unseen_indices'] == [4, 5]
    item = train[0]
    assert item['inputs'].shape == (16, ) and int(item['data_samples'].gt_label) == train.labels[0]
    val_test = ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='val_test')
    assert val_test.metainfo['unseen_indices'] == [3]
    assert not {4, 5} & set(val_test.labels)  # test-unseen classes never used for tuning
    with pytest.raises(ValueError, match="ZSLFeatureDataset: subset='all' is not a zero-shot "
                       "subset; expected one of 'train', 'test'"):
        ZSLFeatureDataset(zsl_files['features'], zsl_files['split'], subset='all')


def test_feature_dataset_refuses_other_classes(zsl_files, tmp_path):
    other = tmp_path / 'other.npz'
    np.savez(other, features=np.zeros((2, 4), np.float32), labels=np.array([0, 1]),
             classes=np.array(['a', 'b']))
    with pytest.raises(ValueError, match='classes of .*other.npz differ'):
        ZSLFeatureDataset(str(other), zsl_files['split'])
    with pytest.raises(FileNotFoundError, match='extract_features'):
        ZSLFeatureDataset(str(tmp_path / 'missing.npz'), zsl_files['split'])
