"""MIViT's metafile figures equal the mean / std of their records (configs/mivit/results.jsonl),
every record was selected on validation, and the results cover three seeds."""
import statistics

import yaml

from rszoo.utils.records import read_records

from conftest import REPO_ROOT

KEYS = {'OA': 'OA', 'AA': 'AA', 'Kappa': 'kappa'}


def test_metafile_results_are_the_aggregate_of_the_records():
    records = read_records(REPO_ROOT / 'configs/mivit/results.jsonl')
    metafile = yaml.safe_load((REPO_ROOT / 'configs/mivit/metafile.yml').read_text())
    measured = [m for m in metafile['Models'] if m.get('Results')]
    assert len(measured) == 4
    for model in measured:
        rows = [r for r in records if r['model'] == model['Name']]
        assert sorted(r['seed'] for r in rows) == [0, 1, 2], model['Name']
        assert all(r['selected_on'] == 'val' and r['eval_split'] == 'test' for r in rows)
        metrics = model['Results'][0]['Metrics']
        for name, key in KEYS.items():
            values = [r['metrics'][key] for r in rows]
            assert metrics[name] == round(statistics.mean(values), 2), (model['Name'], name)
        std = statistics.stdev(r['metrics']['OA'] for r in rows)
        assert metrics['OA (std over seeds 0,1,2)'] == round(std, 2)
