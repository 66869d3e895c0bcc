"""The MIViT and MDFL records behind their metafiles (configs/{mivit,mdfl}/results.jsonl): four
measured models each, three seeds, every checkpoint selected on validation and tested once on the
test split. (That every figure is its records' aggregate is tests/test_utils/test_metafile_results.py;
FedDiff's records: test_feddiff_records.py.)"""
import pytest
import yaml

from rszoo.utils.records import read_records

from conftest import REPO_ROOT


@pytest.mark.parametrize('method', ['mivit', 'mdfl'])
def test_measured_models_have_three_seeds_selected_on_validation(method):
    records = read_records(REPO_ROOT / 'configs' / method / 'results.jsonl')
    metafile = yaml.safe_load((REPO_ROOT / 'configs' / method / 'metafile.yml').read_text())
    measured = [m for m in metafile['Models'] if m.get('Results')]
    assert len(measured) == 4
    for model in measured:
        rows = [r for r in records if r['model'] == model['Name']]
        assert sorted(r['seed'] for r in rows) == [0, 1, 2], model['Name']
        assert all(r['selected_on'] == 'val' and r['eval_split'] == 'test' for r in rows)
        assert {'OA', 'AA', 'kappa'} <= set(rows[0]['metrics'])
