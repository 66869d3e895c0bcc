"""The CPU recipe family (configs/recipes): the full recipe per backbone and protocol, and one
ablation config per ingredient, each the full recipe minus that ingredient and nothing else.

- every config validates on `val` and tests on `test` of splits/aid_val04, three disjoint
  files of one protocol and seed; a refit (the recipe trained again once its choices are made)
  trains on the whole training share (`train` + `val`), validates on nothing and tests the
  same `test`, in the recipe's number of iterations;
- the ingredients (native 150 px, RandAugment, Mixup/CutMix, label smoothing, EMA, head
  learning rate, the longer schedule, test-time flip) are all present in a full recipe and
  exactly one is absent in each ablation; an ablation differs from the full recipe only in
  the keys of its ingredient;
- each config's data sets and model build from the registries on the tiny AID-150px split;
  the recipe's batch augments, optimizer groups and test-time flip do what they say.
"""
import copy
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from conftest import REPO_ROOT

RECIPES = REPO_ROOT / 'configs' / 'recipes'
STEM = 'cpu-recipe_efficientnet-{arch}_in1k-pre_aid150-{data}_{size}px_1xb32_{epochs}e{variant}'
FULL = STEM.format(arch='lite2', data='16-4-80', size=150, epochs=30, variant='')
FULL_RECIPES = {  # config -> (arch, protocol, recipe length in epochs)
    STEM.format(arch=arch, data=data, size=150, epochs=epochs, variant=''): (arch, protocol, epochs)
    for arch, data, protocol, epochs in (('lite2', '16-4-80', '20-80', 30),
                                         ('lite0', '16-4-80', '20-80', 30),
                                         ('lite1', '16-4-80', '20-80', 30),
                                         ('lite2', '46-4-50', '50-50', 10))
}
# ablation config -> (the ingredient it removes, the keys in which it differs from FULL)
ABLATIONS = {
    FULL + '_no-randaug': ('randaugment', {'train_pipeline', 'train_dataloader.dataset.pipeline'}),
    FULL + '_no-mixup': ('mixup_cutmix', {'model.train_cfg'}),
    FULL + '_no-ls': ('label_smoothing', {'model.head.loss.label_smooth_val'}),
    FULL + '_no-ema': ('ema', {'custom_hooks'}),
    FULL + '_no-head-lr': ('head_lr', {'optim_wrapper.paramwise_cfg'}),
    FULL + '_no-tta': ('test_time_flip', {'test_dataloader.dataset.pipeline', 'custom_hooks'}),
    STEM.format(arch='lite2', data='16-4-80', size=150, epochs=20, variant=''): (
        'long_schedule', {'max_epochs', 'param_scheduler', 'train_cfg.max_epochs'}),
    STEM.format(arch='lite2', data='16-4-80', size=128, epochs=30, variant=''): (
        'native_150px', {'img_size', 'resize', 'train_pipeline', 'test_pipeline', 'tta_pipeline',
                         'train_dataloader.dataset.pipeline', 'val_dataloader.dataset.pipeline',
                         'test_dataloader.dataset.pipeline'}),
}
# the other full recipes: the keys in which they differ from FULL
VARIANTS = {
    STEM.format(arch='lite0', data='16-4-80', size=150, epochs=30, variant=''): {
        'model.backbone.arch', 'model.backbone.init_cfg.checkpoint'},
    STEM.format(arch='lite1', data='16-4-80', size=150, epochs=30, variant=''): {
        'model.backbone.arch', 'model.backbone.init_cfg.checkpoint'},
    STEM.format(arch='lite2', data='46-4-50', size=150, epochs=10, variant=''): {
        'split', 'train_dataloader.dataset.split_file', 'val_dataloader.dataset.split_file',
        'test_dataloader.dataset.split_file', 'max_epochs', 'param_scheduler',
        'train_cfg.max_epochs'},
}
# the recipe trained again on the whole 20 % share (splits/aid) in its number of iterations:
# refit -> (the recipe it refits, the keys in which it differs from it)
REFITS = {
    STEM.format(arch='lite2', data='20-80', size=150, epochs=24, variant=''): (FULL, {
        'split', 'train_dataloader.dataset.split_file', 'test_dataloader.dataset.split_file',
        'val_dataloader', 'val_evaluator', 'val_cfg', 'default_hooks.checkpoint.interval',
        'default_hooks.checkpoint.save_best', 'default_hooks.checkpoint.rule', 'max_epochs',
        'param_scheduler', 'train_cfg.max_epochs'}),
}
# the lean recipe and its refit: the recipe (or refit) without the three ingredients its seed-0
# ablations found to do nothing; lean config -> the config it trims
LEANS = {name + '_lean': name for name in [FULL, *REFITS]}
# each ingredient the lean configs remove -> the config key that switches it
LEAN_REMOVES = {'mixup_cutmix': 'model.train_cfg', 'ema': 'custom_hooks',
                'head_lr': 'optim_wrapper.paramwise_cfg'}
# the lean refit with its images loaded in the training process (no loader workers: the speed
# lever of the README's "Speed" section); config -> the config it loads differently
IN_PROCESS = {name + '_lean_0workers': name + '_lean' for name in REFITS}
# every config that validates (the refits and their lean version validate on nothing)
ALL = sorted(set(FULL_RECIPES) | set(ABLATIONS) | {FULL + '_lean'})
TINY = {'train': 'tests/data/splits/aid_tiny_train.txt',
        'val': 'tests/data/splits/aid_tiny_val.txt',
        'test': 'tests/data/splits/aid_tiny_test.txt'}


def load(name):
    return Config.fromfile(str(RECIPES / f'{name}.py'))


def flatten(value, prefix=''):
    """Nested dicts -> {dotted path: leaf}; lists and other values are leaves."""
    if isinstance(value, dict) and value:
        out = {}
        for key, item in value.items():
            out.update(flatten(item, f'{prefix}.{key}' if prefix else key))
        return out
    return {prefix: value}


def differing_keys(a, b):
    fa, fb = flatten(a.to_dict()), flatten(b.to_dict())
    return {k for k in set(fa) | set(fb) if fa.get(k, object()) != fb.get(k, object())}


def ingredients(cfg, recipe_epochs):
    """Which of the recipe's ingredients the config has."""
    pipelines = [cfg[f'{part}_dataloader'].dataset.pipeline for part in ('train', 'val', 'test')
                 if cfg[f'{part}_dataloader'] is not None]  # a refit validates on nothing
    train_types = [t.type for t in pipelines[0]]
    test_types = [t.type for t in pipelines[-1]]
    hooks = [h.type for h in cfg.get('custom_hooks', [])]
    loss = cfg.model.head.loss
    augments = (cfg.model.get('train_cfg') or {}).get('augments', [])
    custom_keys = (cfg.optim_wrapper.get('paramwise_cfg') or {}).get('custom_keys', {})
    return dict(
        native_150px=not any(t.type == 'Resize' for p in pipelines for t in p),
        randaugment='RandAugment' in train_types,
        mixup_cutmix=sorted(a.type for a in augments) == ['CutMix', 'Mixup'],
        label_smoothing=loss.type == 'LabelSmoothLoss' and loss.label_smooth_val > 0,
        ema='DeferredLoadEMAHook' in hooks,
        head_lr=custom_keys.get('head', {}).get('lr_mult', 1.0) > 1.0,
        long_schedule=cfg.train_cfg.max_epochs == recipe_epochs,
        test_time_flip='TestTimeAug' in test_types and 'PrepareTTAHook' in hooks,
    )


# a published checkpoint's config: the no-flip ablation (get_model runs no Runner hook, so
# no test-time flip) on the seed of the published run
DEPLOY = {FULL + '_seed2-deploy': 2}
# the published refits' configs (the refit's and the lean refit's) -> the refit each deploys
REFIT_DEPLOY = {name + '_seed0-deploy': name
                for name in [*REFITS, *(refit + '_lean' for refit in REFITS)]}


def split_lines(path):
    """The image paths of a split file ('Class/image.jpg label' per line)."""
    return {line.split()[0] for line in (REPO_ROOT / path).read_text().splitlines()
            if line.strip()}


def test_the_family_is_complete():
    found = {osp.basename(p)[:-3] for p in glob.glob(str(RECIPES / '*.py'))}
    assert found == (set(ALL) | set(DEPLOY) | set(REFITS) | set(REFIT_DEPLOY) | set(LEANS) |
                     set(IN_PROCESS))
    assert (RECIPES / 'README.md').is_file() and (RECIPES / 'metafile.yml').is_file()


@pytest.mark.parametrize('name', ALL)
def test_validates_on_val_and_tests_on_test(name):
    cfg = load(name)
    protocol = FULL_RECIPES.get(name, ('', '20-80'))[1]
    files = {part: cfg[f'{part}_dataloader'].dataset.split_file for part in TINY}
    for part, path in files.items():
        assert path == f'splits/aid_val04/{protocol}_seed0_{part}.txt', (part, path)
    assert len(set(files.values())) == 3
    lines = {part: split_lines(path) for part, path in files.items()}
    assert not lines['val'] & lines['test'] and not lines['train'] & lines['val']
    assert not lines['train'] & lines['test'] and len(lines['val']) == 400
    # the best validation epoch is kept for the one test
    assert cfg.default_hooks.checkpoint.save_best == 'accuracy/top1'
    assert cfg.train_cfg.val_interval == 1
    assert cfg.train_cfg.max_epochs % cfg.default_hooks.checkpoint.interval == 0


@pytest.mark.parametrize('name', sorted(FULL_RECIPES))
def test_full_recipes_have_every_ingredient(name):
    arch, _, epochs = FULL_RECIPES[name]
    cfg = load(name)
    assert all(ingredients(cfg, epochs).values()), ingredients(cfg, epochs)
    assert cfg.model.backbone.arch == arch
    assert cfg.model.backbone.init_cfg.checkpoint == f'pkgweights://efficientnet-{arch}'
    assert cfg.model.head.loss.label_smooth_val == 0.1


@pytest.mark.parametrize('name', sorted(ABLATIONS))
def test_each_ablation_removes_exactly_its_ingredient(name):
    removed, keys = ABLATIONS[name]
    cfg, full = load(name), load(FULL)
    have = ingredients(cfg, recipe_epochs=30)
    assert have == {k: k != removed for k in have}, have
    diff = differing_keys(cfg, full)
    assert diff, 'an ablation differs from the full recipe'
    outside = {k for k in diff if not any(k == p or k.startswith(p + '.') for p in keys)}
    assert not outside, outside


@pytest.mark.parametrize('name', sorted(VARIANTS))
def test_other_full_recipes_change_only_backbone_or_protocol(name):
    diff = differing_keys(load(name), load(FULL))
    assert diff and diff <= VARIANTS[name], diff - VARIANTS[name]
    assert all(ingredients(load(name), FULL_RECIPES[name][2]).values())


def iterations(cfg, n_train):
    return -(-n_train // cfg.train_dataloader.batch_size) * cfg.train_cfg.max_epochs


@pytest.mark.parametrize('name', sorted(REFITS))
def test_refit_trains_on_the_whole_share_in_the_recipes_iterations(name):
    """The refit trains on `train` + `val` of the recipe's split, validates on nothing (no
    checkpoint is chosen: the last epoch is tested), tests the same images, and takes the
    recipe's number of iterations within 1 %; otherwise it is the recipe."""
    recipe_name, keys = REFITS[name]
    cfg, recipe = load(name), load(recipe_name)
    diff = differing_keys(cfg, recipe)
    outside = {k for k in diff if not any(k == p or k.startswith(p + '.') for p in keys)}
    assert diff and not outside, outside
    # every ingredient; the schedule's length is the recipe's in iterations (below)
    have = ingredients(cfg, cfg.train_cfg.max_epochs)
    assert all(have.values()), have
    train = split_lines(cfg.train_dataloader.dataset.split_file)
    files = {part: recipe[f'{part}_dataloader'].dataset.split_file for part in TINY}
    assert train == split_lines(files['train']) | split_lines(files['val'])
    assert len(train) == 2000
    assert split_lines(cfg.test_dataloader.dataset.split_file) == split_lines(files['test'])
    assert cfg.val_dataloader is None and cfg.val_cfg is None and cfg.val_evaluator is None
    assert cfg.default_hooks.checkpoint.save_best is None
    assert cfg.train_cfg.max_epochs % cfg.default_hooks.checkpoint.interval == 0
    ratio = iterations(cfg, len(train)) / iterations(recipe, len(split_lines(files['train'])))
    assert abs(ratio - 1) < 0.01, ratio


@pytest.mark.parametrize('name', sorted(LEANS))
def test_lean_removes_exactly_mixup_ema_and_head_lr(name):
    """The lean recipe (and its refit) is the config it trims without Mixup/CutMix, the EMA
    and the head's 10x learning rate, in those keys only; every other ingredient stays."""
    cfg, trimmed = load(name), load(LEANS[name])
    diff = differing_keys(cfg, trimmed)
    under = {prefix: {k for k in diff if k == prefix or k.startswith(prefix + '.')}
             for prefix in LEAN_REMOVES.values()}
    assert all(under.values()) and set().union(*under.values()) == diff, (under, diff)
    have = ingredients(cfg, cfg.train_cfg.max_epochs)
    assert have == {k: k not in LEAN_REMOVES for k in have}, have
    assert [h.type for h in cfg.custom_hooks] == ['PrepareTTAHook']


@pytest.mark.parametrize('name', sorted(IN_PROCESS))
def test_in_process_loading_changes_only_the_worker_counts(name):
    """Everything of the recipe is kept; the training and test images are loaded in the
    training process (``num_workers=0``), which has no workers to keep between epochs."""
    cfg, original = load(name), load(IN_PROCESS[name])
    assert original.train_dataloader.num_workers > 0
    assert differing_keys(cfg, original) == {'train_dataloader.num_workers',
                                             'test_dataloader.num_workers'}
    for part in ('train', 'test'):
        loader = cfg[f'{part}_dataloader']
        assert loader.num_workers == 0 and loader.persistent_workers is False


def test_backbones_match_their_model_bases():
    for arch in ('lite0', 'lite1', 'lite2'):
        base = Config.fromfile(
            str(REPO_ROOT / 'configs' / '_base_' / 'models' / f'efficientnet-{arch}_30cls.py'))
        name = STEM.format(arch=arch, data='16-4-80', size=150, epochs=30, variant='')
        cfg = load(name)
        assert cfg.model.backbone == base.model.backbone
        assert cfg.model.data_preprocessor == base.model.data_preprocessor  # TF normalisation
        assert base.model.data_preprocessor.mean == [127.5] * 3


def test_schedules_warm_up_one_epoch_then_cosine_to_the_end():
    for name in sorted(set(ALL) | set(REFITS) | set(LEANS)):
        cfg = load(name)
        warmup, cosine = cfg.param_scheduler
        assert (warmup.type, warmup.begin, warmup.end) == ('LinearLR', 0, 1)
        assert (cosine.type, cosine.begin, cosine.end, cosine.T_max) == (
            'CosineAnnealingLR', 1, cfg.train_cfg.max_epochs, cfg.train_cfg.max_epochs - 1)


# ------------------------------------------------ built on the tiny AID-150px split


@pytest.fixture(scope='module')
def registries():
    from rszoo.utils import register_all_modules
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    register_all_modules()
    with DefaultScope.overwrite_default_scope('rszoo'):
        yield
    torch.set_num_threads(threads)


def tiny_datasets(cfg, parts=tuple(TINY)):
    from rszoo.registry import DATASETS
    out = {}
    for part in parts:
        path = TINY[part]
        dataset = copy.deepcopy(cfg[f'{part}_dataloader'].dataset)
        dataset.split_file = path
        out[part] = DATASETS.build(dataset)
    return out


@pytest.mark.parametrize('name', ALL)
def test_builds_on_the_tiny_split(name, registries, aid_root):
    from rszoo.registry import MODELS
    cfg = load(name)
    size = 128 if '_128px_' in name else 150
    datasets = tiny_datasets(cfg)
    assert [len(datasets[p]) for p in TINY] == [120, 60, 60]
    train = datasets['train'][0]
    assert train['inputs'].shape == (3, size, size)
    assert datasets['val'][0]['inputs'].shape == (3, size, size)
    test = datasets['test'][0]
    if ingredients(cfg, 30)['test_time_flip']:
        plain, mirrored = test['inputs']  # TestTimeAug: the image, then its mirror
        assert torch.equal(mirrored, plain.flip(-1)) and plain.shape == (3, size, size)
    else:
        assert test['inputs'].shape == (3, size, size)
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'EfficientNetLite'
    assert model.backbone.arch == cfg.model.backbone.arch
    has_batch_augments = model.data_preprocessor.batch_augments is not None
    assert has_batch_augments == ingredients(cfg, 30)['mixup_cutmix']


@pytest.mark.parametrize('name', [FULL, FULL + '_no-head-lr', FULL + '_lean'])
def test_head_learning_rate(name, registries):
    from rszoo.registry import MODELS
    cfg = load(name)
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    head = {id(p) for p in model.head.parameters()}
    lrs = {('head' if id(p) in head else 'rest', round(group['lr'], 9))
           for group in optim.optimizer.param_groups for p in group['params']}
    assert lrs == {('head', 0.2 if name == FULL else 0.02), ('rest', 0.02)}
    assert all(g['nesterov'] and g['momentum'] == 0.9 for g in optim.optimizer.param_groups)


@pytest.mark.parametrize('name', [FULL, FULL + '_no-mixup', FULL + '_lean'])
def test_a_training_step_on_tiny_images(name, registries, aid_root):
    """Mixup/CutMix give soft targets (smoothed by LabelSmoothLoss); without them the
    labels stay hard. The loss is finite either way."""
    from rszoo.registry import MODELS
    cfg = load(name)
    model = MODELS.build(cfg.model).train()
    train = tiny_datasets(cfg, ['train'])['train']
    batch = pseudo_collate([train[i] for i in (0, 60)])
    data = model.data_preprocessor(batch, True)
    soft = 'gt_score' in data['data_samples'][0]
    assert soft == (name == FULL)
    loss = model(**data, mode='loss')['loss']
    assert torch.isfinite(loss) and loss.item() > 0


def test_test_time_flip_averages_the_image_and_its_mirror(registries, aid_root):
    from rszoo.registry import MODELS
    cfg = load(FULL)
    model = MODELS.build(cfg.model).eval()
    tta = MODELS.build(dict(cfg.tta_model, module=model))
    test = tiny_datasets(cfg, ['test'])['test']
    samples = [test[i] for i in (0, 30)]
    with torch.no_grad():
        merged = tta.test_step(pseudo_collate(samples))
        views = [model.test_step(pseudo_collate([dict(inputs=s['inputs'][v],
                                                      data_samples=s['data_samples'][v])
                                                 for s in samples])) for v in (0, 1)]
    for i, sample in enumerate(merged):
        mean = (views[0][i].pred_score + views[1][i].pred_score) / 2
        torch.testing.assert_close(sample.pred_score, mean)
        assert sample.gt_label == views[0][i].gt_label
    assert not torch.allclose(views[0][0].pred_score, views[1][0].pred_score)


@pytest.mark.parametrize('name', sorted(REFIT_DEPLOY))
def test_refit_deploy_config_is_the_refit_without_the_flip(name):
    """The published refit's config: the refit on its own (seed-0) files, the test-time flip
    taken out (get_model runs no Runner hook), nothing else."""
    cfg, refit = load(name), load(REFIT_DEPLOY[name])
    assert differing_keys(cfg, refit) == {'test_dataloader.dataset.pipeline', 'custom_hooks'}
    assert cfg.test_dataloader.dataset.pipeline == refit.test_pipeline
    # the refit's other hooks stay (its EMA; the lean refit has none)
    assert [h['type'] for h in cfg.custom_hooks] == [
        h['type'] for h in refit.custom_hooks if h['type'] != 'PrepareTTAHook']
    assert cfg.randomness.seed == 0 and '_seed0_' in cfg.train_dataloader.dataset.split_file


@pytest.mark.parametrize('name', sorted(DEPLOY))
def test_deploy_config_is_the_no_flip_recipe_on_its_seed(name):
    """The published model's config: the _no-tta ablation with the published run's training
    seed and split files, nothing else."""
    seed = DEPLOY[name]
    cfg, no_tta = load(name), load(FULL + '_no-tta')
    assert cfg.randomness.seed == seed
    for part in ('train', 'val', 'test'):
        assert cfg[f'{part}_dataloader'].dataset.split_file == \
            f'splits/aid_val04/20-80_seed{seed}_{part}.txt'
    diff = differing_keys(cfg, no_tta)
    assert diff == {'randomness.seed', 'train_dataloader.dataset.split_file',
                    'val_dataloader.dataset.split_file', 'test_dataloader.dataset.split_file'}
    assert 'PrepareTTAHook' not in [h['type'] for h in cfg.custom_hooks]
