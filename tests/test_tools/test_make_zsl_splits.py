"""``tools/dataset_converters/make_zsl_splits.py``: deterministic split files, as committed."""
import json

import pytest

from rszoo.datasets import AID
from rszoo.datasets.zeroshot import ClassSplit

from conftest import REPO_ROOT, load_tool

SPLIT_DIR = REPO_ROOT / 'splits' / 'zsl'

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_tool_is_deterministic(tmp_path, capsys):
    tool = load_tool('tools/dataset_converters/make_zsl_splits.py', 'make_zsl_splits')
    out_a, out_b = tmp_path / 'a', tmp_path / 'b'
    for out in (out_a, out_b):
        assert tool.main(['--dataset', 'AID', '--num-unseen', '5', '--seeds', '3', '4',
                          '--out-dir', str(out)]) == 0
    for seed in (3, 4):
        name = f'aid_25-5_seed{seed}.json'
        assert (out_a / name).read_bytes() == (out_b / name).read_bytes()
        split = ClassSplit.from_file(str(out_a / name))
        assert split.classes == AID.METAINFO['classes'] and split.seed == seed
    assert (json.loads((out_a / 'aid_25-5_seed3.json').read_text())['unseen']
            != json.loads((out_a / 'aid_25-5_seed4.json').read_text())['unseen'])
    # the stored seed-3 file is the tool's output up to the "source" text
    stored = json.loads((SPLIT_DIR / 'aid' / 'aid_25-5_seed3.json').read_text())
    made = json.loads((out_a / 'aid_25-5_seed3.json').read_text())
    assert {k: v for k, v in stored.items() if k != 'source'} == \
        {k: v for k, v in made.items() if k != 'source'}
    # a class list from a file, with an explicit val count
    names = tmp_path / 'names.txt'
    names.write_text('\n'.join(f'k{i}' for i in range(8)) + '\n')
    tool.main(['--dataset', 'Toy', '--classes-file', str(names), '--num-unseen', '2',
               '--num-val-unseen', '1', '--out-dir', str(tmp_path / 'c')])
    toy = ClassSplit.from_file(str(tmp_path / 'c' / 'toy_6-2_seed0.json'))
    assert len(toy.unseen) == 2 and len(toy.val_unseen) == 1 and toy.dataset == 'Toy'
    with pytest.raises(SystemExit, match='num_unseen'):
        tool.main(['--dataset', 'AID', '--num-unseen', '30', '--out-dir', str(tmp_path)])
    with pytest.raises(SystemExit, match='classes-file'):
        tool.main(['--dataset', 'NoSuchSet', '--num-unseen', '2', '--out-dir', str(tmp_path)])
