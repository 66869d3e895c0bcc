"""tools/infer.py (and rszoo.apis.inference), tools/analysis/get_flops.py and
tools/benchmark.py on the tiny config (``tests/configs/tiny_resnet_aid150.py``:
a narrow ResNet-18 at 32 px) with real AID-150px images.

The checkpoint is a real one: one epoch of ``tools/train.py`` (so it holds
mmengine's ``message_hub`` and ``meta['dataset_meta']``, and must load with
``weights_only=True``).
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import REPO_ROOT, load_tool

TINY = 'tests/configs/tiny_resnet_aid150.py'
TINY_TEST_SPLIT = 'tests/data/splits/aid_tiny_test.txt'
AID_CLASSES = (
    'Airport', 'BareLand', 'BaseballField', 'Beach', 'Bridge', 'Center', 'Church',
    'Commercial', 'DenseResidential', 'Desert', 'Farmland', 'Forest', 'Industrial',
    'Meadow', 'MediumResidential', 'Mountain', 'Park', 'Parking', 'Playground', 'Pond',
    'Port', 'RailwayStation', 'Resort', 'River', 'School', 'SparseResidential', 'Square',
    'Stadium', 'StorageTanks', 'Viaduct')


def run_tool(args, timeout=300, env=None, check=True):
    full_env = dict(os.environ, PYTHONUNBUFFERED='1', **(env or {}))
    out = subprocess.run([sys.executable, *map(str, args)], cwd=REPO_ROOT, capture_output=True,
                         text=True, timeout=timeout, env=full_env)
    if check:
        assert out.returncode == 0, f'{args} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}'
    return out


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory, aid_root):
    """A one-epoch tools/train.py checkpoint of the tiny config."""
    work_dir = tmp_path_factory.mktemp('train')
    run_tool(['tools/train.py', TINY, '--work-dir', work_dir, '--no-validate',
              '--cfg-options', 'train_cfg.max_epochs=1'])
    path = work_dir / 'epoch_1.pth'
    assert path.is_file()
    return path


@pytest.fixture()
def image_folder(tmp_path, aid_root):
    """Two images at the top, one (upper-case extension) in a sub-folder, and
    a text file that is no image."""
    folder = tmp_path / 'images'
    (folder / 'sub').mkdir(parents=True)
    shutil.copy(aid_root / 'Beach' / 'beach_1.jpg', folder / 'b.jpg')
    shutil.copy(aid_root / 'Airport' / 'airport_1.jpg', folder / 'a.jpg')
    shutil.copy(aid_root / 'Forest' / 'forest_1.jpg', folder / 'sub' / 'c.JPEG')
    (folder / 'notes.txt').write_text('not an image')
    return folder


def check_results(results, topk):
    for result in results:
        top = result['topk']
        assert len(top) == topk
        assert [t['class'] for t in top] == [AID_CLASSES[t['label']] for t in top]
        scores = [t['score'] for t in top]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores) and sum(scores) <= 1.0 + 1e-5
        assert result['pred_class'] == top[0]['class'] in AID_CLASSES
        assert result['pred_label'] == top[0]['label']
        assert result['pred_score'] == pytest.approx(top[0]['score'])


# -- tools/infer.py ---------------------------------------------------------------
def test_infer_single_image_json(checkpoint, aid_root, tmp_path):
    out_file = tmp_path / 'res' / 'results.json'
    image = aid_root / 'Beach' / 'beach_1.jpg'
    out = run_tool(['tools/infer.py', TINY, checkpoint, image, '--topk', '3',
                    '--out', out_file])
    report = json.loads(out_file.read_text())
    assert report['topk'] == 3 and report['classes'] == list(AID_CLASSES)
    assert [r['img_path'] for r in report['results']] == [str(image)]
    check_results(report['results'], 3)
    # the printed table names the predicted class with its score
    top1 = report['results'][0]['topk'][0]
    assert f'{top1["class"]} {top1["score"]:.3f}' in out.stdout


def test_infer_folder_is_recursive_and_case_insensitive(checkpoint, image_folder, tmp_path):
    out_file = tmp_path / 'results.json'
    run_tool(['tools/infer.py', TINY, checkpoint, image_folder, '--out', out_file,
              '--batch-size', '2'])
    results = json.loads(out_file.read_text())['results']
    assert [Path(r['img_path']).relative_to(image_folder).as_posix() for r in results] == \
        ['a.jpg', 'b.jpg', 'sub/c.JPEG']
    check_results(results, 5)


def test_infer_list_file_with_data_root(checkpoint, aid_root, tmp_path):
    out_file = tmp_path / 'results.json'
    out = run_tool(['tools/infer.py', TINY, checkpoint, TINY_TEST_SPLIT, '--data-root',
                    aid_root, '--batch-size', '7', '--out', out_file, '--max-rows', '2'])
    listed = [line.split()[0] for line in (REPO_ROOT / TINY_TEST_SPLIT).read_text().splitlines()
              if line.strip()]
    results = json.loads(out_file.read_text())['results']
    assert [r['img_path'] for r in results] == [str(aid_root / p) for p in listed]
    check_results(results, 5)
    assert '58 more image(s)' in out.stdout
    # the printed rows are relative to --data-root
    assert listed[0] in out.stdout and str(aid_root) not in out.stdout


@pytest.fixture()
def infer_tool(monkeypatch):
    """tools/infer.py imported in-process (its allocator re-exec switched off)."""
    monkeypatch.setenv('RSZOO_DEFAULT_MALLOC', '1')
    return load_tool('tools/infer.py', 'rszoo_tools_infer')


@pytest.mark.parametrize('case', ['missing', 'empty_folder', 'not_an_image', 'list_missing'])
def test_infer_input_errors(case, tmp_path, infer_tool, capsys):
    if case == 'missing':
        target, expected = tmp_path / 'nope.jpg', 'does not exist'
    elif case == 'empty_folder':
        target, expected = tmp_path / 'empty', 'holds no image file'
        (target / 'sub').mkdir(parents=True)
        (target / 'sub' / 'readme.md').write_text('x')
    elif case == 'not_an_image':
        target, expected = tmp_path / 'table.csv', 'is neither an image'
        target.write_text('a,b')
    else:
        target, expected = tmp_path / 'list.txt', 'gone.jpg (line 2)'
        (tmp_path / 'ok.jpg').write_bytes(b'')
        target.write_text(f'{tmp_path / "ok.jpg"} 0\n{tmp_path / "gone.jpg"} 3\n')
    # input errors are found before the checkpoint is read
    assert infer_tool.main([TINY, str(tmp_path / 'unused.pth'), str(target)]) == 2
    err = capsys.readouterr().err
    assert expected in err and target.name in err


def test_infer_missing_input_exit_code(tmp_path):
    out = run_tool(['tools/infer.py', TINY, tmp_path / 'unused.pth', tmp_path / 'nope'],
                   check=False)
    assert out.returncode == 2 and 'nope does not exist' in out.stderr


def test_infer_corrupt_image_names_the_file(checkpoint, image_folder):
    good = (image_folder / 'a.jpg').read_bytes()
    (image_folder / 'sub' / 'broken.png').write_bytes(good[:300])
    out = run_tool(['tools/infer.py', TINY, checkpoint, image_folder], check=False)
    assert out.returncode == 1
    assert 'unreadable image' in out.stderr and 'broken.png' in out.stderr


# -- rszoo.apis.inference ------------------------------------------------------------
def test_inferencer_arrays_batches_and_checkpoint_classes(checkpoint, aid_root, tmp_path):
    from rszoo.apis import ImageClassificationInferencer, inference_model
    from rszoo.datasets.transforms.loading import LoadRSImage

    paths = [str(aid_root / 'Beach' / f'beach_{i}.jpg') for i in (1, 2, 3)]
    inferencer = ImageClassificationInferencer(TINY, checkpoint)
    assert inferencer.classes == list(AID_CLASSES)
    by_path = inferencer(paths, batch_size=2, topk=30)
    one_by_one = [inferencer(p, batch_size=1, topk=30)[0] for p in paths]
    for a, b in zip(by_path, one_by_one):
        np.testing.assert_allclose(a['pred_scores'], b['pred_scores'], atol=1e-5)
        assert a['pred_scores'].sum() == pytest.approx(1.0, abs=1e-4)
        assert len(a['topk']) == 30
    # an array (BGR, as LoadRSImage gives) skips the loading transform
    array = LoadRSImage()(dict(img_path=paths[0]))['img']
    from_array = inference_model(TINY, array, pretrained=checkpoint, topk=3)
    assert from_array['img_path'] is None
    np.testing.assert_allclose(from_array['pred_scores'], by_path[0]['pred_scores'],
                               atol=1e-5)

    # class names come from the checkpoint's meta first
    ckpt = torch.load(checkpoint, weights_only=True)
    renamed = tmp_path / 'renamed.pth'
    names = [f'class_{i}' for i in range(30)]
    torch.save(dict(state_dict=ckpt['state_dict'],
                    meta=dict(dataset_meta=dict(classes=names))), renamed)
    result = ImageClassificationInferencer(TINY, renamed)(paths[0])[0]
    assert result['pred_class'] == names[by_path[0]['pred_label']]

    # a bare state dict: names from the config's dataset (AID)
    bare = tmp_path / 'bare.pth'
    torch.save(ckpt['state_dict'], bare)
    assert ImageClassificationInferencer(TINY, bare).classes == list(AID_CLASSES)


def test_inferencer_refuses_a_mismatched_checkpoint(checkpoint, tmp_path):
    from rszoo.apis import CheckpointMismatchError, ImageClassificationInferencer
    state = torch.load(checkpoint, weights_only=True)['state_dict']
    state['head.fc.weight'] = torch.zeros(10, 128)
    state.pop('backbone.conv1.weight')
    bad = tmp_path / 'bad.pth'
    torch.save(state, bad)
    with pytest.raises(CheckpointMismatchError, match='head.fc.weight') as error:
        ImageClassificationInferencer(TINY, bad)
    assert 'backbone.conv1.weight' in str(error.value)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        ImageClassificationInferencer(TINY, tmp_path / 'missing.pth')


def test_inferencer_from_a_model_index_name():
    """A model-index name builds through rszoo.apis.get_model (no weights, no data)."""
    from rszoo.apis import ImageClassificationInferencer, ModelIndexNotFoundError, list_models
    try:
        names = list_models('resnet18*')
    except ModelIndexNotFoundError as error:
        pytest.skip(f'no model index: {error}')
    if not names:
        pytest.skip('the model index has no resnet18* entry')
    inferencer = ImageClassificationInferencer(names[0])
    assert inferencer.classes == list(AID_CLASSES)
    assert inferencer.channels_last  # the config's ChannelsLastHook
    array = np.random.default_rng(0).integers(0, 256, (150, 150, 3), dtype=np.uint8)
    first, second = inferencer([array, array.copy()], batch_size=2, topk=3)
    np.testing.assert_allclose(first['pred_scores'], second['pred_scores'], atol=1e-6)
    assert first['pred_class'] in AID_CLASSES and len(first['topk']) == 3


# -- tools/analysis/get_flops.py ------------------------------------------------------------
def test_get_flops_counts_the_tiny_model():
    from mmengine.config import Config

    from rszoo.registry import MODELS
    from rszoo.utils import register_all_modules
    register_all_modules()
    params = sum(p.numel() for p in MODELS.build(Config.fromfile(TINY).model).parameters())

    out = run_tool(['tools/analysis/get_flops.py', TINY, '--no-arch']).stdout
    assert 'Input shape: (3, 32, 32)' in out  # the test pipeline's Resize
    assert 'Params: ' in out and f'({params:,})' in out
    flops_32 = int(out.split('Flops: ')[1].split('(')[1].split(')')[0].replace(',', ''))
    assert 'backbone.layer4' in out and 'head.fc' in out  # the per-module table

    out = run_tool(['tools/analysis/get_flops.py', TINY, '--shape', '64', '64', '--no-arch',
                    '--no-table']).stdout
    assert 'Input shape: (3, 64, 64)' in out
    flops_64 = int(out.split('Flops: ')[1].split('(')[1].split(')')[0].replace(',', ''))
    # convolutions scale with the pixels; the 30-way head does not
    assert flops_64 == pytest.approx(4 * flops_32, rel=0.01)


# -- tools/benchmark.py ------------------------------------------------------------------
def test_benchmark_writes_a_json_line(tmp_path, aid_root):
    out_file = tmp_path / 'bench' / 'results.jsonl'
    # one compute thread: two spin-waiting OpenMP threads crawl on a busy test machine
    out = run_tool(['tools/benchmark.py', TINY, '--iters', '3', '--warmup', '1',
                    '--batch-size', '16', '--threads', '1', '--out', out_file], timeout=400)
    lines = out_file.read_text().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert row['input_size'] == [32, 32] and row['batch'] == 16
    assert row['channels_last'] is True and row['runner_weights_channels_last'] is True
    assert row['allocator'].startswith('glibc tuned')  # the tool re-executed itself
    assert row['threads'] == 1 and row['num_workers'] == 0
    for key in ('infer_img_s', 'bare_train_img_s', 'algorithm_train_img_s',
                'runner_train_img_s', 'ratio', 'runner_step_img_s', 'runner_cached_img_s', 'runner_cached_ratio'):
        assert row[key] > 0, key
    assert len(row['bare_train_img_s_runs']) == 2
    assert 0 <= row['runner_data_wait_share'] < 1
    # provenance as a results record has it
    assert row['command'].startswith('python tools/benchmark.py ') and 'CPU cores' in row['machine']
    assert 'commit' in row and 'dirty' in row
    assert '| tiny_resnet_aid150.py | 32x32 | 16 |' in out.stdout
    assert 'runner/bare' in out.stdout


def test_benchmark_without_runner_default_malloc_nchw(tmp_path):
    out_file = tmp_path / 'results.jsonl'
    out_file.write_text('{"earlier": 1}\n')
    run_tool(['tools/benchmark.py', TINY, '--iters', '2', '--warmup', '1', '--batch-size', '8',
              '--skip-runner', '--shape', '24', '24', '--no-channels-last', '--threads', '1',
              '--out', out_file], env={'RSZOO_DEFAULT_MALLOC': '1'})
    lines = out_file.read_text().splitlines()
    assert len(lines) == 2  # appended
    row = json.loads(lines[1])
    assert row['input_size'] == [24, 24] and row['channels_last'] is False
    assert row['allocator'] == 'glibc default (RSZOO_DEFAULT_MALLOC=1)'
    assert row['threads'] == 1
    assert row['runner_train_img_s'] is None and row['ratio'] is None
    assert row['runner_cached_img_s'] is None
    assert row['infer_img_s'] > 0 and row['bare_train_img_s'] > 0


def test_benchmark_cached_samples_do_not_carry_one_batchs_labels_into_the_next(monkeypatch):
    """BenchmarkCachedDataset serves its cached samples again and again: a data preprocessor
    writing into a batch's data samples (Mixup/CutMix's one-hot gt_score) must not change
    what the next batch gets (the recipe's benchmark failed on exactly that)."""
    from mmpretrain.structures import DataSample

    from rszoo.utils.cpu_tuning import OPT_OUT_VAR
    monkeypatch.setenv(OPT_OUT_VAR, '1')  # importing the tool must not re-exec pytest
    tool = load_tool('tools/benchmark.py', 'rszoo_tools_benchmark')
    sample = DataSample().set_gt_label(3)
    source = [dict(inputs=torch.zeros(3, 4, 4, dtype=torch.uint8), data_samples=sample)]
    cached = tool.BenchmarkCachedDataset(source, num_cached=1)
    first = cached[0]
    first['data_samples'].set_gt_score(torch.ones(5))  # what the preprocessor does
    again = cached[7]
    assert 'gt_score' not in again['data_samples'] and 'gt_score' not in sample
    assert again['data_samples'].gt_label.tolist() == [3]
    assert again['inputs'] is source[0]['inputs']  # the pixels are shared, not copied


def test_benchmark_clock_reports_the_first_step_of_each_epoch(monkeypatch):
    """IterationClock: the timed window's steps that start an epoch are reported apart
    (``runner_epoch_first_steps_ms``: where restarted loader workers show), the warm-up's not."""
    from rszoo.utils.cpu_tuning import OPT_OUT_VAR
    monkeypatch.setenv(OPT_OUT_VAR, '1')
    tool = load_tool('tools/benchmark.py', 'rszoo_tools_benchmark')
    clock = tool.IterationClock(total=100)
    now = [0.0]
    monkeypatch.setattr(tool.time, 'perf_counter', lambda: now[0])
    batch = dict(inputs=[0, 0])
    # 2 epochs of 3 iterations: every step takes 1 s, the first of an epoch 5 s; 0.5 s waits
    for epoch in range(2):
        clock.before_train_epoch(None)
        for batch_idx in range(3):
            now[0] += 0.5
            clock.before_train_iter(None, batch_idx, batch)
            now[0] += 5.0 if batch_idx == 0 else 1.0
            clock.after.append(now[0])  # after_train_iter without a runner
    summary = clock.summary(warmup=1)
    assert summary['epoch_first_steps_s'] == [5.0]  # epoch 2's; epoch 1's is the warm-up
    assert summary['step_s'] == pytest.approx((1 + 1 + 5 + 1 + 1) / 5)
    assert summary['data_wait_s'] == pytest.approx(0.5)
    assert summary['img_s'] == pytest.approx(2 * 5 / (9 + 5 * 0.5))
