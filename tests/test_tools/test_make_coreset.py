"""tools/dataset_converters/make_coreset.py: a recorded trajectory -> TDDS and random
coreset files of the same size (seeded) that load into CoresetDataset."""
import json

import numpy as np
import pytest
import torch
from mmengine.dataset import BaseDataset

from rszoo.datasets import CoresetDataset
from rszoo.datasets.pruning import tdds_scores
from rszoo.engine.hooks.tdds_trajectory_hook import save_tdds_trajectory

from conftest import load_tool

N, EPOCHS = 20, 6


class Numbered(BaseDataset):
    """N samples, ``img_path`` ``s<i>.png``, label i % 4 (no files read)."""

    def __init__(self, size=N, shift=0):
        self.size, self.shift = size, shift
        super().__init__(data_root='/data/numbered', serialize_data=False)

    def load_data_list(self):
        return [dict(img_path=f'/data/numbered/s{i + self.shift}.png', gt_label=i % 4)
                for i in range(self.size)]


def trajectory_state(size=N, epochs=EPOCHS, fingerprint=''):
    """A hand-made trajectory: sample i's contributions alternate with amplitude
    i (its variability grows with i) -- except sample 3, the most variable."""
    rng = np.random.default_rng(0)
    amplitude = np.arange(size, dtype=np.float32)
    amplitude[3] = 100.0
    signs = np.where(np.arange(epochs - 1) % 2 == 0, 1.0, -1.0)[:, None]
    contribution = (1.0 + 0.001 * amplitude * (1 + signs)).astype(np.float32)
    return dict(format='rszoo-tdds-trajectory', version=1, dataset_size=size,
                fingerprint=fingerprint, dataset_type='Numbered', eps=1e-8, num_classes=4,
                epochs=epochs, contribution_abs=contribution,
                contribution_kl=rng.random((epochs - 1, size)).astype(np.float32),
                seen=np.ones((epochs, size), bool),
                labels=np.arange(size, dtype=np.int64) % 4, last_probs=None)


@pytest.fixture(scope='module')
def tool():
    return load_tool('tools/dataset_converters/make_coreset.py')


def test_coreset_files_round_trip_into_a_data_set(tool, tmp_path, capsys):
    from rszoo.datasets.pruning import dataset_fingerprint
    state = trajectory_state(fingerprint=dataset_fingerprint(Numbered()))
    path = tmp_path / 'run' / 'tdds_trajectory.npz'
    save_tdds_trajectory(state, str(path))
    assert tool.main([str(path), '--keep-ratio', '0.3', '0.5', '--epochs', '6', '--window',
                      '3', '--decay', '0.9', '--random-seed', '0', '1']) == 0
    out_dir = tmp_path / 'run' / 'coresets'
    assert sorted(p.name for p in out_dir.iterdir()) == [
        'random_keep30_seed0.json', 'random_keep30_seed1.json', 'random_keep50_seed0.json',
        'random_keep50_seed1.json', 'tdds_keep30.json', 'tdds_keep50.json',
        'tdds_scores.npy']
    scores = np.load(out_dir / 'tdds_scores.npy')
    np.testing.assert_allclose(scores, tdds_scores(state['contribution_abs'], 3, 0.9, 6))
    # the highest scores: sample 3 (amplitude 100), then 19, 18, ... (amplitude i)
    tdds30 = json.loads((out_dir / 'tdds_keep30.json').read_text())
    assert tdds30['indices'] == [3, 15, 16, 17, 18, 19]  # round(0.3 * 20) = 6 kept
    assert tdds30['num_kept'] == 6 and tdds30['method'] == 'tdds'
    assert tdds30['params'] == dict(epochs=6, window=3, decay=0.9, contribution='abs',
                                    eps=1e-8, dataset_type='Numbered')
    assert tdds30['dataset_size'] == N and tdds30['source'] == str(path)
    for ratio, kept in ((30, 6), (50, 10)):
        tdds = CoresetDataset(dataset=Numbered(), index_file=str(out_dir /
                                                                 f'tdds_keep{ratio}.json'))
        assert len(tdds) == kept
        assert [tdds.get_data_info(j)['sample_idx'] for j in range(kept)] == \
            tdds.indices.tolist()
        seeds = []
        for seed in (0, 1):
            random = CoresetDataset(dataset=Numbered(), index_file=str(
                out_dir / f'random_keep{ratio}_seed{seed}.json'))
            assert len(random) == kept  # the same size as the TDDS coreset
            assert random.coreset_info['params'] == dict(seed=seed)
            seeds.append(random.indices.tolist())
        assert seeds[0] != seeds[1]
    # seeded: a second run writes the same random subsets
    first = (out_dir / 'random_keep30_seed0.json').read_text()
    tool.main([str(path), '--keep-ratio', '0.3', '--window', '3', '--epochs', '6',
               '--out-dir', str(tmp_path / 'again')])
    assert (tmp_path / 'again' / 'random_keep30_seed0.json').read_text() == first
    # the coreset of this data set is refused by another one of the same size
    with pytest.raises(ValueError, match='made for another data set of 20 samples'):
        CoresetDataset(dataset=Numbered(shift=1), index_file=str(out_dir / 'tdds_keep30.json'))
    assert 'per class min' in capsys.readouterr().out


def test_reads_a_checkpoint_and_the_kl_variant(tool, tmp_path):
    state = trajectory_state()
    checkpoint = {'meta': {}, 'tdds_trajectory': {
        k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v
        for k, v in state.items()}}
    torch.save(checkpoint, tmp_path / 'epoch_6.pth')
    assert tool.main([str(tmp_path / 'epoch_6.pth'), '--keep-ratio', '0.25', '--epochs', '5',
                      '--window', '4', '--contribution', 'kl', '--random-seed',
                      '--out-dir', str(tmp_path / 'out')]) == 0
    files = sorted(p.name for p in (tmp_path / 'out').iterdir())
    assert files == ['tdds-kl_keep25.json', 'tdds-kl_scores.npy']  # no random subset
    kept = json.loads((tmp_path / 'out' / 'tdds-kl_keep25.json').read_text())
    expected = np.sort(np.argsort(-tdds_scores(state['contribution_kl'], 4, 0.9, 5))[:5])
    assert kept['indices'] == expected.tolist() and kept['method'] == 'tdds-kl'
    assert kept['dataset_fingerprint'] is None


def test_errors_name_the_file(tool, tmp_path):
    path = tmp_path / 'tdds_trajectory.npz'
    save_tdds_trajectory(trajectory_state(epochs=4), str(path))
    with pytest.raises(SystemExit, match=r'tdds_trajectory\.npz: 4 epoch\(s\) recorded, '
                       '--epochs 30 asks for more'):
        tool.main([str(path), '--keep-ratio', '0.3'])
    with pytest.raises(SystemExit, match=r'--keep-ratio 30.0: must be in \(0, 1\]'):
        tool.main([str(path), '--keep-ratio', '30', '--epochs', '4', '--window', '3'])
    state = trajectory_state(epochs=4)
    state['contribution_abs'][1, 7] = np.nan  # sample 7 unseen in an epoch
    save_tdds_trajectory(state, str(path))
    with pytest.raises(SystemExit, match=r'tdds_trajectory\.npz: 1 sample\(s\).*sample 7'):
        tool.main([str(path), '--keep-ratio', '0.3', '--epochs', '4', '--window', '3'])
    state['seen'] = np.ones((3, N), bool)  # wrong shape for 4 epochs
    save_tdds_trajectory(state, str(path))
    with pytest.raises(SystemExit, match=r"'seen' has shape \(3, 20\), expected \(4, 20\)"):
        tool.main([str(path), '--keep-ratio', '0.3', '--epochs', '4', '--window', '3'])
    torch.save({'meta': {}}, tmp_path / 'plain.pth')
    with pytest.raises(SystemExit, match=r"plain\.pth: checkpoint has no 'tdds_trajectory'"):
        tool.main([str(tmp_path / 'plain.pth'), '--keep-ratio', '0.3'])
