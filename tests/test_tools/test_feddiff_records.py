"""The FedDiff records behind configs/feddiff (central, two federated protocols, single-modality
baselines, missing modality): three seeds each, all selected on validation, the federated ones
with the bytes of every client, and the README's bytes table generated from them. (That every
metafile figure is its records' aggregate is tests/test_utils/test_metafile_results.py.)"""
import yaml
from mmengine.config import Config

from rszoo.utils.records import read_records

from rszoo.federated.bytes_table import BYTES_END, BYTES_START, bytes_table

from conftest import REPO_ROOT

RECORDS = REPO_ROOT / 'configs/feddiff/results.jsonl'


def test_every_measured_model_has_three_seeds_selected_on_validation():
    records = read_records(RECORDS)
    metafile = yaml.safe_load((REPO_ROOT / 'configs/feddiff/metafile.yml').read_text())
    measured = [m for m in metafile['Models'] if m.get('Results')]
    assert len(measured) == 6
    for model in measured:
        rows = [r for r in records if r['model'] == model['Name']]
        assert sorted(r['seed'] for r in rows) == [0, 1, 2], model['Name']
        assert all(r['selected_on'] == 'val' and r['eval_split'] == 'test' for r in rows)
        if 'federated' in model['Name']:
            assert all(r['metrics'][f'{d}_bytes/client{k}'] > 0
                       for r in rows for d in ('uplink', 'downlink') for k in (0, 1))


def test_equal_compute_protocol_trains_the_fusion_head_as_long_as_the_central_run():
    cfg = Config.fromfile(REPO_ROOT / 'configs/feddiff/'
                          'feddiff_houston2013-mdlrs-vectors_federated-2clients-equal-compute_1xb256_12r.py')
    central = Config.fromfile(REPO_ROOT / 'configs/feddiff/'
                              'feddiff_houston2013-mdlrs-vectors_central_1x1_1xb256_12e.py')
    assert cfg.federated.server_epochs * cfg.federated.num_rounds == central.train_cfg.max_epochs
    assert cfg.federated.local_epochs * cfg.federated.num_rounds == central.train_cfg.max_epochs


def test_readme_bytes_table_is_generated_from_the_records():
    text = (REPO_ROOT / 'configs/feddiff/README.md').read_text()
    block = text.split(BYTES_START, 1)[1].split(BYTES_END, 1)[0]
    assert block.strip() == bytes_table('configs/feddiff/results.jsonl').strip()
