"""The configs under ``configs/rsdgc/``: each is the ResNet-18 AID-150px baseline on
2 processes x 16 with a CommHookDDP exchange and CommBytesHook, its comm_hook builds,
RS-DGC and top-k share one budget (more than 50x after warm-up on this ResNet-18), and
the metafile lists every config as runnable, not measured."""
import glob
import os.path as osp

import pytest
import yaml
from mmengine.config import Config

from rszoo.engine.comm_hooks import COMM_HOOKS, build_comm_hook

from comm_hook_helpers import single_process_group
from conftest import REPO_ROOT

CONFIG_DIR = osp.join(REPO_ROOT, 'configs', 'rsdgc')
BASELINE = osp.join(REPO_ROOT, 'configs', 'baseline',
                    'resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py')
CONFIGS = {  # config stem -> comm hook type
    'dense-allreduce_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e': 'allreduce',
    'topk-ef_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e': 'topk',
    'powersgd_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e': 'powersgd',
    'rsdgc_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e': 'rsdgc',
}


def load(stem):
    return Config.fromfile(osp.join(CONFIG_DIR, f'{stem}.py'))


def test_the_folder_holds_these_configs():
    found = {osp.basename(p)[:-3] for p in glob.glob(osp.join(CONFIG_DIR, '*.py'))
             if not p.endswith('runtime_base.py')}
    assert found == set(CONFIGS)


@pytest.mark.parametrize('stem', sorted(CONFIGS))
def test_config_is_the_baseline_on_2x16_with_a_comm_hook(stem):
    cfg, baseline = load(stem).to_dict(), Config.fromfile(BASELINE).to_dict()
    wrapper = cfg.pop('model_wrapper_cfg')
    assert cfg.pop('custom_hooks') == [dict(type='CommBytesHook')]
    assert cfg['train_dataloader'].pop('batch_size') == 16
    assert baseline['train_dataloader'].pop('batch_size') == 32
    assert cfg == baseline  # model, data, schedule (lr for the global batch 32), runtime
    assert wrapper['type'] == 'CommHookDDP' and wrapper['broadcast_buffers'] is False
    hook = dict(wrapper['comm_hook'])
    assert hook['type'] == CONFIGS[stem]
    state, fn = build_comm_hook(hook, single_process_group())
    assert (type(state), fn) == COMM_HOOKS[CONFIGS[stem]]


def test_rsdgc_and_topk_share_budget_and_warm_up():
    rsdgc = load('rsdgc_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e').model_wrapper_cfg.comm_hook
    topk = load('topk-ef_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e').model_wrapper_cfg.comm_hook
    shared = ('density', 'start_iter', 'warmup_iters', 'error_feedback', 'compress_vectors')
    assert {k: rsdgc[k] for k in shared} == {k: topk[k] for k in shared}
    assert rsdgc.warmup_iters == 4 * 50  # 4 epochs of 1,600 images / 32
    powersgd = load('powersgd_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e')
    assert powersgd.model_wrapper_cfg.comm_hook.start_powerSGD_iter == rsdgc.warmup_iters


def test_the_budget_is_more_than_50x_on_this_resnet18():
    """After warm-up: 8 bytes a kept matrix entry, vectors dense, one NSI mean a matrix."""
    from rszoo.registry import MODELS
    from rszoo.utils import register_all_modules
    register_all_modules()
    cfg = load('rsdgc_resnet18_scratch_aid150-16-4-80_64px_2xb16_20e')
    params = list(MODELS.build(cfg.model).parameters())
    matrices = [p.numel() for p in params if p.dim() >= 2]
    vectors = sum(p.numel() for p in params if p.dim() < 2)
    density = cfg.model_wrapper_cfg.comm_hook.density
    sent = sum(8 * round(density * n) for n in matrices) + 4 * vectors + 4 * len(matrices)
    dense = 4 * (sum(matrices) + vectors)
    assert 50 < dense / sent < 56


def test_metafile_lists_every_config_with_its_status():
    """The three exchanges of the 3-seed comparison have results (their figures are checked
    against the records by tests/test_utils/test_metafile_results.py); PowerSGD has none."""
    with open(osp.join(CONFIG_DIR, 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    (collection,) = meta['Collections']
    assert collection['Name'] == 'RS-DGC' and collection['Status'].startswith('done')
    assert collection['Paper']['URL'] == 'https://arxiv.org/abs/2312.17530'
    assert collection['README'] == 'configs/rsdgc/README.md'
    models = {m['Name']: m for m in meta['Models']}
    assert set(models) == set(CONFIGS)
    for name, model in models.items():
        assert model['Config'] == f'configs/rsdgc/{name}.py'
        assert model['In Collection'] == 'RS-DGC'
        assert model['Metadata']['Batch Size'] == 32 and model['Metadata']['Epochs'] == 20
        if name.startswith('powersgd'):
            assert model['Status'].startswith('runnable, not measured here')
            assert model['Results'] is None
        else:
            assert model['Status'].startswith('done')
            metrics = model['Results'][0]['Metrics']
            assert {'Top 1 Accuracy', 'Bytes per step after warm-up'} <= set(metrics)
    readme = open(osp.join(CONFIG_DIR, 'README.md')).read()
    assert '<!-- results:start -->' in readme