"""tools/analysis/had_protocol.py --table and tools/visualization/show_anomaly_map.py
on made-up records and maps: the README table, the means over the authors' 13
scenes and over all, the metafile results, and the picture."""
import json

import numpy as np
import pytest
import yaml
from scipy.io import savemat

from rszoo.utils.records import RECORD_FIELDS

from conftest import load_tool


def record(model, scene, auc_df, auc_ftau):
    row = {k: None for k in RECORD_FIELDS}
    row.update(model=model, method='x', scene=scene, split={'train': 'x', 'test': scene},
               selected_on='last', eval_split='test',
               metrics={'auc_df': auc_df, 'auc_ftau': auc_ftau, 'infer_s': 0.1, 'train_s': 10.})
    return row


def test_table_means_and_metafile(tmp_path):
    tool = load_tool('tools/analysis/had_protocol.py', 'had_protocol')
    scenes = list(tool.AUTHORS_SCENES) + ['hydice']
    rows = []
    for i, scene in enumerate(scenes):
        rows.append(record(tool.RX_MODEL, scene, 0.9, 0.02))
        rows.append(record(tool.STAD_MODEL, scene, 0.95 if i % 2 == 0 else 0.85, 0.01))
        rows.append(record(tool.STAD_INPUT_STF_MODEL, scene, 0.5, 0.01))
    rows.append(record(tool.RX_MODEL, 'sandiego', 0.8, 0.02))  # a later record wins
    out = tmp_path / 'r.jsonl'
    out.write_text(''.join(json.dumps(r) + '\n' for r in rows))
    readme = tmp_path / 'README.md'
    readme.write_text(f'# x\n{tool.TABLE_START}\nold\n{tool.TABLE_END}\ntail\n')
    (tmp_path / 'metafile.yml').write_text(yaml.safe_dump({'Models': [
        {'Name': tool.STAD_MODEL}, {'Name': 'never_ran'}]}))
    tool.main(['--table', '--out', str(out), '--readme', str(readme)])
    text = readme.read_text()
    assert 'old' not in text and text.endswith('tail\n')
    lines = text.splitlines()
    rx_13 = (12 * 0.9 + 0.8) / 13
    stad_13 = (7 * 0.95 + 6 * 0.85) / 13  # scenes 0, 2, ..., 12 are 0.95
    mean13 = next(line for line in lines if line.startswith('| **mean, 13'))
    assert f'{rx_13:.4f}' in mean13 and f'{stad_13:.4f}' in mean13
    mean14 = next(line for line in lines if line.startswith('| **mean, all 14'))
    assert f'{(7 * 0.95 + 7 * 0.85) / 14:.4f}' in mean14
    # sandiego (index 12, 0.95) beats its later RX record (0.8)
    assert 'STAD above RX (AUC(D,F)) on 7 of 14 scenes' in text
    meta = yaml.safe_load((tmp_path / 'metafile.yml').read_text())
    metrics = meta['Models'][0]['Results'][0]['Metrics']
    assert metrics['AUC(D,F)'] == pytest.approx(round(stad_13, 4))
    assert meta['Models'][1]['Results'] is None


def test_show_anomaly_map_draws_a_grid(tmp_path):
    tool = load_tool('tools/visualization/show_anomaly_map.py', 'show_anomaly_map')
    rng = np.random.default_rng(0)
    mask = np.zeros((10, 12), np.uint8)
    mask[2, 3] = 1
    savemat(tmp_path / 'sc.mat', dict(data=rng.random((10, 12, 5)), map=mask))
    maps = tmp_path / 'maps'
    maps.mkdir()
    np.save(maps / 'sc.npy', rng.random((10, 12)).astype(np.float32))
    out = tmp_path / 'fig.png'
    tool.main(['--maps', str(maps), '--labels', 'M', '--data-root', str(tmp_path),
               '--out', str(out)])
    assert out.stat().st_size > 1000
    np.save(maps / 'sc.npy', rng.random((3, 3)))
    with pytest.raises(ValueError, match=r'map \(3, 3\) vs ground truth \(10, 12\)'):
        tool.main(['--maps', str(maps), '--data-root', str(tmp_path), '--out', str(out)])
