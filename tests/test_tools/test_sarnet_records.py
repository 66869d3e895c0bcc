"""SAR-Net's metafile figures are those of their records (configs/sarnet/results.jsonl):
the smoke-scale HRSID mini-set runs, test split, last checkpoint, in percent."""
from pathlib import Path

import pytest
import yaml

from rszoo.utils.records import read_records

REPO = Path(__file__).resolve().parents[2]
#: metafile metric name -> CocoMetric key
KEYS = {'box AP': 'coco/bbox_mAP', 'box AP50': 'coco/bbox_mAP_50',
        'box AP75': 'coco/bbox_mAP_75', 'box APs': 'coco/bbox_mAP_s'}


def test_metafile_results_are_the_records():
    path = REPO / 'configs/sarnet/results.jsonl'
    if not path.is_file():
        pytest.skip(f'{path} not written yet (the smoke-scale runs append to it)')
    records = read_records(path)
    metafile = yaml.safe_load((REPO / 'configs/sarnet/metafile.yml').read_text())
    measured = [m for m in metafile['Models'] if m.get('Results')]
    assert measured, 'a results file exists but no metafile entry has Results'
    for model in measured:
        rows = [r for r in records if r['model'] == model['Name'] and r['eval_split'] == 'test']
        assert rows, f'{model["Name"]}: no test-split record'
        row = rows[-1]
        assert row['selected_on'] == 'last'
        assert row['split']['test'] == 'splits/hrsid-mini/24-12_seed0_test.txt'
        metrics = model['Results'][0]['Metrics']
        for name, key in KEYS.items():
            assert metrics[name] == round(row["metrics"][key], 2), \
                (model['Name'], name)
