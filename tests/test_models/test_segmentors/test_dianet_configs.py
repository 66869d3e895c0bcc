"""configs/dianet: every config parses; the FYH configs carry the paper's recipe;
the paper-size model is the default and the small variant shares its parts."""
import glob
from pathlib import Path

import pytest
from mmengine.config import Config

from rszoo.utils import register_all_modules

register_all_modules()

from rszoo.registry import MODELS  # noqa: E402

from conftest import REPO_ROOT  # noqa: E402

DIANET = REPO_ROOT / 'configs' / 'dianet'
FYH = DIANET / 'dianet_hrnetv2-w48_fyh_100x100_sgd-poly_4xb8_100e.py'


@pytest.mark.parametrize('path', sorted(glob.glob(str(DIANET / '*.py'))),
                         ids=lambda p: Path(p).name)
def test_config_parses(path):
    cfg = Config.fromfile(path)
    assert cfg.model.type == 'EncoderDecoder' and cfg.default_scope == 'rszoo'


def test_fyh_config_is_the_paper_recipe():
    cfg = Config.fromfile(str(FYH))
    assert cfg.optim_wrapper.optimizer == dict(type='SGD', lr=0.01, momentum=0.9,
                                               weight_decay=5e-4, nesterov=False)
    (poly, ) = cfg.param_scheduler
    assert poly.type == 'PolyLR' and poly.power == 0.9 and poly.convert_to_iter_based
    assert cfg.train_cfg.max_epochs == 100 and cfg.train_dataloader.batch_size == 8
    assert cfg.auto_scale_lr.base_batch_size == 32  # 8 per GPU x 4 GPUs
    assert [t.type for t in cfg.train_dataloader.dataset.pipeline] == [
        'LoadMatImage', 'LoadSegAnnotation', 'RandomFlip', 'PackSegInputs']
    assert cfg.train_dataloader.dataset.pipeline[2].direction == 'horizontal'
    assert cfg.model.decode_head.num_classes == 11 and cfg.model.backbone.in_channels == 14
    assert cfg.model.backbone.base_channels == 48 and cfg.model.backbone.num_modules == (1, 4, 3)
    assert cfg.model.decode_head.loss_decode.type == 'ACWLoss'
    assert cfg.model.test_cfg == dict(mode='core', grid=(4, 4), context=50)
    ce = Config.fromfile(str(FYH).replace('.py', '_ce.py'))
    assert ce.model.decode_head.loss_decode.type == 'SegCrossEntropyLoss'
    assert ce.optim_wrapper == cfg.optim_wrapper and ce.train_dataloader == cfg.train_dataloader


def test_small_variant_builds_with_the_same_parts():
    cfg = Config.fromfile(str(DIANET / 'dianet_small_38cloud-patch-tiles_96px_sgd-poly_1xb2_15e.py'))
    model = MODELS.build(cfg.model)
    names = {type(m).__name__ for m in model.modules()}
    assert {'HRNetNoStem', 'DIAnetHead', 'AWCA', 'PSNL', 'ACWLoss'} <= names
    assert sum(p.numel() for p in model.parameters()) < 300_000
