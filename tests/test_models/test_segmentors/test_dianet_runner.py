"""DIAnet through mmengine's Runner: 2 training iterations and a test
with IoUMetric, on generated FYH-layout data (configs/dianet/dianet_small_fyh-fake_*)."""

from mmengine.config import Config
from mmengine.runner import Runner

from rszoo.utils import register_all_modules

from conftest import REPO_ROOT, load_tool

register_all_modules()

CONFIG = REPO_ROOT / 'configs' / 'dianet' / 'dianet_small_fyh-fake_100x100_sgd-poly_1xb4_20e.py'


def test_two_iterations_then_test(tmp_path):
    generator = load_tool('tests/data/fyh/generate_fyh.py', 'generate_fyh')
    generator.generate(str(tmp_path / 'fyh'), size=32, num_train=8, num_test=2, seed=0)

    cfg = Config.fromfile(str(CONFIG))
    assert cfg.val_dataloader is None  # FYH has no validation split
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = str(tmp_path / 'fyh')
    cfg.model.test_cfg = dict(mode='core', grid=(2, 2), context=8)
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1)  # 8 tiles / 4 = 2 iters
    cfg.param_scheduler[0].end = 1
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1,
                                        backend_args=dict(backend='atomic_local'))
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    assert (tmp_path / 'work' / 'epoch_1.pth').is_file()
    metrics = runner.test()
    assert {'mIoU', 'aAcc', 'mAcc', 'FwIoU', 'IoU.Clear', 'IoU.Uncertain'} <= set(metrics)
    assert 0 <= metrics['aAcc'] <= 100
    # the ACW running class frequency was updated by the 2 steps and saved
    loss = runner.model.decode_head.loss_decode[0]
    assert loss.num_updates.item() == 2 and abs(loss.class_freq.sum().item() - 1) < 1e-5
