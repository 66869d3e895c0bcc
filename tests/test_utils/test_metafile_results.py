"""Metafile figures from records (rszoo.utils.metafile_results and
tools/misc/update_metafile_results.py): the aggregation rules on made-up
records, the rewrite, and every committed metafile and README results table
against the committed records."""
import json

import pytest

from rszoo.utils import metafile_results as mr
from rszoo.utils.records import RECORD_FIELDS

from conftest import REPO_ROOT, load_tool


def rec(model, seed, oa, eval_split='test', **extra):
    row = {k: None for k in RECORD_FIELDS}
    row.update(model=model, seed=seed, eval_split=eval_split, dataset='d',
               metrics={'OA': oa, 'auc_df': oa / 100}, **extra)
    return row


def test_mean_std_and_per_seed_of_the_test_records():
    rows = [rec('m', 0, 90.0), rec('m', 1, 92.0), rec('m', 2, 94.0),
            rec('m', 0, 10.0, eval_split='val'),              # validation: not a figure
            rec('m', 1, 11.0, variant='validation at the end of training'),
            rec('other', 0, 50.0)]
    model = {'Name': 'm', 'Results': [{'Task': 't', 'Metrics': {
        'OA': 0, 'OA (std over seeds 0,1,2)': 0, 'Top 1 Accuracy (per seed)': 0}}]}
    metrics = mr.derive_results(model, rows)[0]['Metrics']
    assert metrics == {'OA': 92.0, 'OA (std over seeds 0,1,2)': 2.0,
                       'Top 1 Accuracy (per seed)': [90.0, 92.0, 94.0]}


def test_record_fields_and_sums_of_values():
    rows = [dict(rec('m', 0, 90.0, wall_s=30.0), metrics={'OA': 90.0, 'train_wall_s': 600.0}),
            dict(rec('m', 1, 92.0, wall_s=50.0), metrics={'OA': 92.0, 'train_wall_s': 800.0})]
    assert mr.aggregate(rows, 'Test wall time (s)') == 40.0
    assert mr.aggregate(rows, 'Wall time per run, test included (s)') == 740.0
    assert mr.aggregate(rows, 'Wall time per run, test included (s) (per seed)') == [630.0, 850.0]
    assert mr.record_value(rows[0], 'train_wall_s+@missing') is None


def test_the_latest_record_of_a_seed_wins():
    rows = [rec('m', 0, 80.0), rec('m', 0, 81.0)]
    assert mr.aggregate(mr.headline_records(rows, 'm'), 'OA') == 81.0


def test_per_scene_records_average_the_scene_set():
    scenes = mr.SCENE_SETS['had-abu-hydice-sandiego']
    rows = [rec('rx', 0, 90.0, scene=s) for s in scenes] + [rec('rx', 0, 50.0, scene='hydice')]
    for r in rows:
        r['dataset'] = 'had-abu-hydice-sandiego'
    head = mr.headline_records(rows, 'rx')
    assert len(head) == 14
    assert mr.aggregate(head, 'AUC(D,F)') == 0.9                         # the 13 scenes
    assert mr.aggregate(head, 'AUC(D,F) (all scenes)') == round((13 * .9 + .5) / 14, 4)
    assert mr.aggregate(head[:-2], 'AUC(D,F)') is None                   # a scene missing


def test_unknown_metric_names_are_refused():
    with pytest.raises(KeyError, match='no record key is known'):
        mr.parse_metric('Top 5 Accuracy')


def test_check_and_update_a_metafile(tmp_path):
    metafile = tmp_path / 'metafile.yml'
    metafile.write_text(
        'Collections:\n  - Name: C\n    Status: done\n'
        'Models:\n'
        '  - Name: m\n    In Collection: C\n    Results:\n      - Task: x\n'
        '        Dataset: y\n        Metrics:\n          OA: 1.0\n'
        '          OA (std): 0.0\n'
        '  - Name: never_ran\n    In Collection: C\n    Results: null\n')
    rows = [rec('m', 0, 90.0), rec('m', 1, 92.0)]
    problems = mr.check_metafile(metafile, rows)
    assert any('OA = 1.0, its records give 91.0' in p for p in problems)
    assert any('never_ran: Status done but no Results' in p for p in problems)
    assert mr.update_metafile(metafile, rows) == 2
    text = metafile.read_text()
    assert 'OA: 91.0\n' in text and 'OA (std): 1.41\n' in text
    assert [p for p in mr.check_metafile(metafile, rows) if 'never_ran' not in p] == []


def test_paired_comparison_on_the_common_seeds():
    rows = [rec('m', 0, 91.0), rec('m', 1, 92.0), rec('m', 2, 93.0), rec('m', 3, 99.0),
            rec('b', 0, 90.0), rec('b', 1, 90.5), rec('b', 2, 91.0)]
    pair = mr.paired_comparison(rows, 'm', 'b', 'OA')
    assert pair['seeds'] == [0, 1, 2]                    # seed 3 has no baseline
    assert (pair['mean'], pair['std'], pair['baseline_mean'], pair['baseline_std']) == \
        (92.0, 1.0, 90.5, 0.5)
    assert pair['per_seed'] == [1.0, 1.5, 2.0] and pair['diff'] == 1.5
    assert pair['spread'] == 1.0 and pair['verdict'] == 'above by more than the spread'
    close = [rec('m', 0, 90.5), rec('m', 1, 91.5), rec('b', 0, 90.0), rec('b', 1, 91.0)]
    assert mr.paired_comparison(close, 'm', 'b', 'OA')['verdict'] == \
        'above, within the spread'                       # +0.5 against a spread of 0.71
    assert mr.paired_comparison(close, 'b', 'm', 'OA')['verdict'] == 'not above'
    assert mr.paired_comparison(rows[:1] + rows[4:5], 'm', 'b', 'OA') is None  # one seed
    one = mr.paired_comparison(rows[:1] + rows[4:5], 'm', 'b', 'OA', min_seeds=1)
    assert (one['seeds'], one['diff'], one['per_seed']) == ([0], 1.0, [1.0])
    assert one['std'] is None and one['spread'] is None
    assert one['verdict'] == 'one seed: no spread'
    # seeds of a split protocol ({'split': s, 'train': t}) pair by value
    split = [rec('m', 0, 50.0), rec('m', {'split': 1, 'train': 0}, 60.0),
             rec('b', 0, 40.0), rec('b', {'train': 0, 'split': 1}, 45.0)]
    pair = mr.paired_comparison(split, 'm', 'b', 'OA')
    assert pair['seeds'] == [0, {'split': 1, 'train': 0}] and pair['per_seed'] == [10.0, 15.0]


def test_comparison_block_of_a_readme(tmp_path):
    tool = load_tool('tools/misc/update_metafile_results.py', 'update_metafile_results')
    metafile = tmp_path / 'metafile.yml'
    metafile.write_text(
        'Models:\n'
        '  - Name: m\n    Metadata:\n      Compared With: b\n    Results:\n'
        '      - Task: x\n        Dataset: y\n        Metrics:\n          OA: 91.5\n')
    rows = [rec('m', 0, 91.0), rec('m', 1, 92.0), rec('b', 0, 90.0), rec('b', 1, 90.5)]
    table = tool.comparison_table(metafile, rows)
    assert '| m | b | OA | 0, 1 | 91.50 ± 0.71 | 90.25 ± 0.35 | +1.25 | +1.00 / +1.50 | ' \
        'above by more than the spread (0.71) |' in table
    metafile.write_text(metafile.read_text().replace(
        'Compared With: b\n', 'Compared With: b\n      Compared On: [OA, "AUC(D,F)"]\n'))
    two = tool.comparison_table(metafile, rows)
    assert '| m | b | OA | 0, 1 | 91.50 ± 0.71 |' in two and '| m | b | AUC(D,F) | 0, 1 | ' in two
    # a list of baselines: one row each, in the metafile's order
    metafile.write_text(metafile.read_text().replace(
        'Compared With: b\n', 'Compared With: [b, c]\n'))
    both = tool.comparison_table(metafile, rows + [rec('c', 0, 92.0), rec('c', 1, 91.0)])
    assert both.index('| m | b | OA | 0, 1 | 91.50 ± 0.71 | 90.25 ± 0.35 | +1.25 |') < \
        both.index('| m | c | OA | 0, 1 | 91.50 ± 0.71 | 91.50 ± 0.71 | +0.00 | -1.00 / +1.00 |')
    readme = tmp_path / 'README.md'
    readme.write_text(f'x\n{tool.COMPARISON_START}\nold\n{tool.COMPARISON_END}\ny\n')
    assert tool.update_readme(readme, table, check=True, start=tool.COMPARISON_START,
                              end=tool.COMPARISON_END)
    tool.update_readme(readme, table, check=False, start=tool.COMPARISON_START,
                       end=tool.COMPARISON_END)
    assert table in readme.read_text() and 'old' not in readme.read_text()


def test_protocol_table_of_a_records_file():
    """Every model with test records in the method's records file, the metafile's
    or not: mean ± sample std of each metric over the latest record per seed, '-'
    where a model lacks a metric, the chosen parameters per seed, the wall time."""
    tool = load_tool('tools/misc/update_metafile_results.py', 'update_metafile_results')

    def zsl(model, split, top1, h, wall, lr=None, **extra):
        row = rec(model, {'train': 0, 'split': split}, 0.0, wall_s=wall,
                  _file='configs/m/results.jsonl', **extra)
        row['metrics'] = {'zsl/top1': top1, 'gzsl/H': h}
        if lr is not None:
            row['metrics']['params/lr'] = lr
        return row

    rows = [zsl('mcfa', 0, 50.0, 40.0, 100.0, lr=1e-3), zsl('mcfa', 1, 60.0, 44.0, 120.0, lr=5e-4),
            zsl('mcfa', 1, 10.0, 10.0, 1.0, eval_split='val'),          # validation: no figure
            zsl('devise', 0, 40.0, 30.0, 10.0), zsl('devise', 1, 42.0, 31.0, 10.0),
            dict(zsl('other', 0, 1.0, 1.0, 1.0), _file='configs/n/results.jsonl')]
    rows[3]['metrics'].pop('gzsl/H')
    table = tool.records_table(tool.Path('configs/m/results.jsonl'), rows)
    lines = table.splitlines()
    assert lines[0] == ('| model | zsl/top1 | gzsl/H | chosen per seed | wall s (recorded command) '
                        '| seeds |')
    assert lines[2] == ('| mcfa | 55.00 ± 7.07 | 42.00 ± 2.83 | lr 0.001 / 0.0005 | 110 ± 14 | '
                        'split 0, 1 (training seed 0) |')
    assert lines[3].startswith('| devise | 41.00 ± 1.41 | - | - | 10 ± 0 |')
    assert 'other' not in table and 'configs/m/results.jsonl' in lines[-1]
    # a collection's Records Table picks, orders and names the columns
    picked = tool.records_table(tool.Path('configs/m/results.jsonl'), rows,
                                {'gzsl/H': 'H', 'zsl/top1': 'ZSL'}).splitlines()
    assert picked[0] == '| model | H | ZSL | chosen per seed | wall s (recorded command) | seeds |'
    assert picked[2].startswith('| mcfa | 42.00 ± 2.83 | 55.00 ± 7.07 |')
    digits = tool.records_table(tool.Path('configs/m/results.jsonl'), rows,
                                {'gzsl/H': {'heading': 'H', 'digits': 0}}).splitlines()
    assert digits[0].startswith('| model | H |') and digits[2].startswith('| mcfa | 42 ± 3 |')
    # no record chose a hyper-parameter: no 'chosen per seed' column
    no_params = [dict(r, metrics={k: v for k, v in r['metrics'].items() if k != 'params/lr'})
                 for r in rows]
    plain = tool.records_table(tool.Path('configs/m/results.jsonl'), no_params).splitlines()
    assert plain[0] == '| model | zsl/top1 | gzsl/H | wall s (recorded command) | seeds |'
    assert plain[1] == '|---|---:|---:|---:|---|'
    assert plain[2] == '| mcfa | 55.00 ± 7.07 | 42.00 ± 2.83 | 110 ± 14 | split 0, 1 (training seed 0) |'
    with pytest.raises(ValueError, match=r"names \['zsl/top5'\], which no test record"):
        tool.records_table(tool.Path('configs/m/results.jsonl'), rows, ['zsl/top5'])
    assert tool._seeds_text([0, 1]) == '0, 1'
    assert tool._seeds_text([0, {'split': 1, 'train': 0}]) == 'split 0, 1 (training seed 0)'
    assert tool._seeds_text([0, {'split': 0, 'train': 1}, {'split': 0, 'train': 2}]) == \
        'training seed 0, 1, 2 (split 0)'
    assert tool._seeds_text([{'split': 0, 'train': 0}, {'split': 1, 'train': 1}]) == \
        '{"split": 0, "train": 0}, {"split": 1, "train": 1}'


def test_ablation_block_of_a_readme(tmp_path):
    """The ingredient's effect is the full model minus the ablation, on the
    common seeds; one seed is enough, an unmeasured ablation is listed."""
    tool = load_tool('tools/misc/update_metafile_results.py', 'update_metafile_results')
    metafile = tmp_path / 'metafile.yml'
    metafile.write_text(
        'Models:\n'
        '  - Name: full\n    Results:\n'
        '      - Task: x\n        Dataset: y\n        Metrics:\n          OA: 92.0\n'
        '  - Name: no-a\n    Metadata:\n      Recipe: "ablation: full without A"\n'
        '      Ablation Of: full\n    Results:\n'
        '      - Task: x\n        Dataset: y\n        Metrics:\n          OA: 90.5\n'
        '  - Name: no-b\n    Metadata:\n      Recipe: "ablation: full without B"\n'
        '      Ablation Of: full\n    Results:\n'
        '      - Task: x\n        Dataset: y\n        Metrics:\n          OA: 91.0\n'
        '  - Name: no-c\n    Metadata:\n      Recipe: "ablation: full without C"\n'
        '      Ablation Of: full\n    Results: null\n')
    rows = [rec('full', 0, 92.0), rec('full', 1, 93.0), rec('full', 2, 91.0),
            rec('no-a', 0, 90.0), rec('no-a', 1, 91.0),
            rec('no-b', 2, 91.5)]
    table = tool.ablation_table(metafile, rows)
    assert '| full without A | no-a | 0, 1 | 92.50 ± 0.71 | 90.50 ± 0.71 | +2.00 | ' \
        '+2.00 / +2.00 | above by more than the spread (0.71) |' in table
    assert '| full without B | no-b | 2 | 91.00 | 91.50 | -0.50 | -0.50 | ' \
        'one seed: no spread |' in table
    assert '| full without C | no-c | - | - | - | - | - | not measured yet (no records) |' \
        in table
    # records but no Results yet: the full model's figure names the column
    table = tool.ablation_table(metafile, rows + [rec('no-c', 0, 89.0)])
    assert '| full without C | no-c | 0 | 92.00 | 89.00 | +3.00 | +3.00 | ' \
        'one seed: no spread |' in table
    assert '| full |' not in table                       # the full model is no row


def test_validation_records_are_picked_whatever_their_variant():
    """A headline (test) figure leaves variants out; the validation records of
    a protocol name their validation classes in ``variant`` and still count."""
    rows = [rec('m', 0, 80.0, eval_split='val', variant='validation classes'),
            rec('m', 0, 81.0, eval_split='val', variant='validation classes'),
            rec('m', 0, 70.0, variant='another recipe'), rec('m', 0, 75.0)]
    assert [r['metrics']['OA'] for r in mr.headline_records(rows, 'm', 'val')] == [81.0]
    assert [r['metrics']['OA'] for r in mr.headline_records(rows, 'm')] == [75.0]


def test_ablation_seeds_block_of_a_readme(tmp_path):
    """Each ablation seed by seed, the validation runs before the test runs,
    every mean figure as full / ablation on the seeds both have; an ablation
    without Results has no table; only the marked README block is rewritten."""
    tool = load_tool('tools/misc/update_metafile_results.py', 'update_metafile_results')
    metafile = tmp_path / 'metafile.yml'
    metafile.write_text(
        'Models:\n'
        '  - Name: full\n    Results:\n'
        '      - Task: x\n        Dataset: y\n        Metrics:\n          OA: 92.0\n'
        '  - Name: no-a\n    Metadata:\n      Ablation Of: full\n    Results:\n'
        '      - Task: x\n        Dataset: y\n        Metrics:\n          OA: 90.5\n'
        '          OA (std): 0.71\n          AUC(D,F): 0.905\n'
        '  - Name: no-c\n    Metadata:\n      Ablation Of: full\n    Results: null\n')
    val = dict(eval_split='val', variant='validation classes')
    rows = [rec('full', 0, 92.0), rec('full', {'split': 1, 'train': 0}, 93.0),
            rec('no-a', 0, 90.0), rec('no-a', {'split': 1, 'train': 0}, 91.0),
            rec('full', {'split': 1, 'train': 0}, 60.0, **val),
            rec('no-a', {'split': 1, 'train': 0}, 62.5, **val),
            rec('no-a', {'split': 2, 'train': 0}, 50.0, **val),    # no full model beside
            rec('no-c', 0, 89.0)]
    table = tool.ablation_seeds_table(metafile, rows)
    lines = table.splitlines()
    assert lines[0] == '`no-a` against `full`:'
    assert lines[2] == '| run | seed | OA: full / ablation | AUC(D,F): full / ablation |'
    assert lines[4:7] == [
        '| validation run | split 1 (training seed 0) | 60.00 / 62.50 | 0.6000 / 0.6250 |',
        '| test run | split 0 (training seed 0) | 92.00 / 90.00 | 0.9200 / 0.9000 |',
        '| test run | split 1 (training seed 0) | 93.00 / 91.00 | 0.9300 / 0.9100 |']
    assert 'split 2' not in table and '`no-c`' not in table
    readme = tmp_path / 'README.md'
    readme.write_text('text\n<!-- ablation-seeds:start -->\nold\n<!-- ablation-seeds:end -->\n')
    assert tool.update_readme(readme, table, check=False, start=tool.ABLATION_SEEDS_START,
                              end=tool.ABLATION_SEEDS_END)
    assert readme.read_text() == ('text\n<!-- ablation-seeds:start -->\n' + table +
                                  '\n<!-- ablation-seeds:end -->\n')


def test_committed_metafiles_and_readme_tables_equal_their_records(capsys):
    """Every metafile figure is the aggregate of its committed records, every
    README results table is the generated one, no `done` model lacks a result."""
    tool = load_tool('tools/misc/update_metafile_results.py', 'update_metafile_results')
    code = tool.main(['--check', '--root', str(REPO_ROOT)])
    assert code == 0, capsys.readouterr().out


def test_records_on_disk_are_the_current_format():
    from rszoo.utils.records import RecordError, validate_record
    for path in sorted(REPO_ROOT.glob('configs/*/results.jsonl')) + \
            sorted(REPO_ROOT.glob('benchmarks/*.jsonl')):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            row = json.loads(line)
            if 'model' in row and 'cfg_sha256' in row:  # a record, not an older ad-hoc line
                try:
                    validate_record(row)
                except RecordError as error:
                    pytest.fail(f'{path}:{number}: {error}')
