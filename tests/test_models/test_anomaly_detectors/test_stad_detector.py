"""STAD (arXiv 2401.01093): teacher and student shapes, gradients and receptive
field, the stage MSE / distillation loss on known inputs, the small target filter
on a known map, the synthetic-anomaly generator's properties, the two training
stages, the saliency detection map, and a 2-iteration Runner training of both
stages on tiny cubes followed by Runner.test()."""
import copy
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from mmpretrain.structures import DataSample
from scipy import ndimage
from scipy.io import savemat

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported

from rszoo.models.anomaly_detectors import STAD, StageMSELoss  # noqa: E402
from rszoo.models.backbones import STADStudent, STADTeacher  # noqa: E402
from rszoo.models.utils import SmallTargetFilter, SyntheticAnomalyMask  # noqa: E402
from rszoo.models.utils.small_target_filter import lower_median  # noqa: E402

from conftest import REPO_ROOT

TEACHER_CFG = osp.join(REPO_ROOT, 'configs', 'stad', 'stad-teacher_c50_16px_1xb8_had-loso.py')
STUDENT_CFG = osp.join(REPO_ROOT, 'configs', 'stad', 'stad-student_c50_16px_1xb8_had-loso.py')
TINY_T = dict(type='STADTeacher', in_channels=4, num_stages=3, num_heads=2, ffn_dim=16)
TINY_S = dict(type='STADStudent', in_channels=4, num_stages=3, hidden_dim=8)


pytestmark = pytest.mark.usefixtures('single_thread_registry')


# ---------------------------------------------------------------- networks
def test_teacher_shapes_and_gradients():
    t = STADTeacher(4, ffn_dim=16)
    x = torch.rand(2, 4, 5, 6, requires_grad=True)
    outs = t(x)
    assert len(outs) == 3 and all(o.shape == (2, 4, 5, 6) for o in outs)
    sum((o * torch.rand_like(o)).sum() for o in outs).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in t.parameters())
    # attention is global: the first pixel's output depends on the last pixel
    t.eval()
    x = torch.rand(1, 4, 5, 6, requires_grad=True)
    # (a plain sum over channels of a LayerNorm output is constant: weight it)
    g, = torch.autograd.grad((t(x)[0][0, :, 0, 0] * torch.arange(1., 5.)).sum(), x)
    assert g[0, :, -1, -1].abs().sum() > 0
    with pytest.raises(ValueError, match='divisible by num_heads'):
        STADTeacher(5, num_heads=2)
    with pytest.raises(ValueError, match=r'expected \(B, 4, H, W\)'):
        t(torch.rand(1, 3, 4, 4))


@pytest.mark.parametrize('arch,radius', [('conv', 4), ('mlp', 0)])
def test_student_shapes_gradients_receptive_field(arch, radius):
    torch.manual_seed(0)
    s = STADStudent(4, hidden_dim=32, arch=arch)
    x = torch.rand(2, 4, 15, 15)
    outs = s(x)
    assert len(outs) == 3 and all(o.shape == (2, 4, 15, 15) for o in outs)
    sum(o.sum() for o in outs).backward()
    assert all(p.grad is not None for p in s.parameters())
    s.eval()
    torch.manual_seed(0)
    x = torch.randn(8, 4, 15, 15, requires_grad=True)
    g, = torch.autograd.grad(s(x)[-1][:, :, 7, 7].sum(), x)
    rows, cols = torch.nonzero(g.abs().sum((0, 1)), as_tuple=True)
    assert rows.min() >= 7 - radius and rows.max() <= 7 + radius
    assert cols.min() >= 7 - radius and cols.max() <= 7 + radius
    assert (rows.max() - rows.min()).item() == 2 * radius  # 9x9 for the conv student


def test_stage_mse_loss_known_values():
    loss = StageMSELoss()
    preds = [torch.ones(2, 3), torch.full((2, 3), 3.)]
    targets = [torch.zeros(2, 3), torch.ones(2, 3)]
    assert loss(preds, targets).item() == pytest.approx(1 + 4)
    assert StageMSELoss([0.5, 2.], loss_weight=2.)(preds, targets).item() == \
        pytest.approx(2 * (0.5 * 1 + 2 * 4))
    with pytest.raises(ValueError, match='2 predictions vs 1 targets'):
        loss(preds, targets[:1])


# ---------------------------------------------------------------- STF
def authors_bilateral(img, r=1, sigma_color=80.):
    """The authors' hand-written reference (utils.py:77-103), edge border."""
    pad = np.pad(img, r, mode='edge')
    d = 2 * r + 1
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    disk = (np.sqrt(xx ** 2 + yy ** 2) <= r)
    space = np.exp((xx ** 2 + yy ** 2) * (-0.5 / r ** 2))
    out = np.zeros_like(img)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            win = pad[i:i + d, j:j + d]
            w = np.exp((win - pad[i + r, j + r]) ** 2 * (-0.5 / sigma_color ** 2)) * space * disk
            out[i, j] = (w * win).sum() / w.sum()
    return out


def test_small_target_filter_on_a_known_map():
    stf = SmallTargetFilter()
    score = np.zeros((9, 9))
    score[4, 4] = 1.
    score[1, 1] = 0.2
    w = stf.filter_map(score)
    # the authors' own reference, off the border
    ref = authors_bilateral((score * 255).astype(np.float32))
    ref = np.maximum(ref - lower_median(ref), 0)
    np.testing.assert_allclose(w[1:-1, 1:-1], ref[1:-1, 1:-1], rtol=1e-4, atol=1e-3)
    # a 5-tap cross around the spot, the diagonals untouched
    assert w[4, 4] == w.max() and w[3, 4] > 0 and w[4, 5] > 0 and w[3, 3] == 0
    assert (w == 0).mean() >= 0.5
    assert lower_median(np.array([1., 2., 3., 4.])) == 2.


def test_small_target_filter_on_a_cube_finds_the_implanted_target():
    rng = np.random.default_rng(0)
    cube = rng.normal(size=(20, 20, 6))
    cube[10, 10] += 8 * rng.normal(size=6)
    w, rx = SmallTargetFilter()(cube, return_rx=True)
    assert np.unravel_index(w.argmax(), w.shape) == (10, 10)
    assert np.unravel_index(rx.argmax(), rx.shape) == (10, 10)


# ---------------------------------------------------------------- synthetic anomalies
def test_synthetic_anomaly_one_blob_per_target():
    gen = SyntheticAnomalyMask(num_targets=(1, 1), area=(12, 12))
    rng = np.random.default_rng(0)
    for _ in range(20):
        m = gen(rng=rng)
        assert m.shape == (81, 81) and set(np.unique(m)) <= {0, 1}
        labels, n = ndimage.label(m)  # 4-connectivity
        rows, cols = np.nonzero(m)
        if rows.min() > 0 and cols.min() > 0 and rows.max() < 80 and cols.max() < 80:
            assert n == 1 and m.sum() == 12


def test_synthetic_anomaly_distinct_cells_counts_and_crop():
    rng = np.random.default_rng(1)
    m = SyntheticAnomalyMask(num_targets=(81, 81), area=(1, 1))(rng=rng)
    cells = m.reshape(9, 9, 9, 9).sum(axis=(1, 3))
    assert (cells == 1).all()  # one single-pixel target in every cell
    gen = SyntheticAnomalyMask()
    sizes = [gen(rng=rng).sum() for _ in range(30)]
    assert 3 <= min(sizes) and max(sizes) <= 32 * 20
    assert 16.5 * 3 < np.mean(sizes) < 16.5 * 20  # U{1..32} targets of U{3..20} px
    full = gen(rng=np.random.default_rng(5))
    np.testing.assert_array_equal(gen(crop=16, rng=np.random.default_rng(5)), full[:16, :16])
    with pytest.raises(ValueError, match='not a multiple'):
        SyntheticAnomalyMask(size=80, grid=9)


# ---------------------------------------------------------------- the detector
def samples_with_masks(masks):
    out = []
    for m in masks:
        s = DataSample()
        s.set_field(m, 'synthetic_mask')
        out.append(s)
    return out


def test_teacher_stage_sees_doubled_targets_and_learns_clean_input():
    model = STAD(teacher=TINY_T, stage='teacher')
    x = torch.rand(2, 4, 6, 6)
    masks = torch.zeros(2, 6, 6)
    masks[0, 2, 3] = 1
    seen = {}
    model.teacher.register_forward_pre_hook(lambda mod, args: seen.setdefault('x', args[0]))
    losses = model([x[0], x[1]], samples_with_masks(masks), mode='loss')
    expected = x.clone()
    expected[0, :, 2, 3] *= 2
    torch.testing.assert_close(seen['x'], expected)
    losses['loss_reconstruction'].backward()
    assert all(p.grad is not None for p in model.teacher.parameters())


def test_student_stage_distils_a_frozen_teacher(tmp_path):
    teacher = STAD(teacher=TINY_T, stage='teacher')
    ckpt = tmp_path / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict(), 'meta': {}}, ckpt)
    model = STAD(teacher=TINY_T, student=TINY_S, stage='student', teacher_checkpoint=str(ckpt))
    for a, b in zip(model.teacher.parameters(), teacher.teacher.parameters()):
        torch.testing.assert_close(a, b)
    model.train()
    assert not model.teacher.training and model.student.training
    x = torch.rand(2, 4, 6, 6)
    loss = model(list(x), samples_with_masks(torch.zeros(2, 6, 6)), mode='loss')
    loss['loss_distillation'].backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    assert all(p.grad is not None for p in model.student.parameters())
    # the loss is the stage MSE between the student's and the teacher's outputs
    with torch.no_grad():
        expected = StageMSELoss()(model.student(x), model.teacher(x))
    assert loss['loss_distillation'].item() == pytest.approx(expected.item(), rel=1e-5)
    with pytest.raises(ValueError, match='needs a student'):
        STAD(teacher=TINY_T, stage='student')


def test_saliency_map_zero_where_the_filter_is_zero_for_a_per_pixel_student():
    model = STAD(teacher=TINY_T, student=dict(TINY_S, arch='mlp'), stage='student',
                 stf_source='inputs').eval()
    cube = torch.rand(4, 7, 8)
    weight = torch.zeros(7, 8)
    weight[3, 4] = 5.
    amap = model.saliency(cube, weight)
    assert amap.shape == (7, 8) and amap[3, 4] > 0
    assert (amap.flatten()[torch.arange(56) != 3 * 8 + 4] == 0).all()
    # the direct path alone (an identity-free check): A = max_c |dL/dX| >= 0
    sample = DataSample()
    sample.set_field(torch.zeros(7, 8, dtype=torch.uint8), 'gt_anomaly_map')
    out = model.predict([cube], [sample])[0]
    assert out.pred_anomaly_map.shape == (7, 8) and (out.pred_anomaly_map >= 0).all()
    assert out.infer_s > 0
    with pytest.raises(KeyError, match='full_cube'):
        STAD(teacher=TINY_T, student=TINY_S).predict([cube], [DataSample()])


# ---------------------------------------------------------------- Runner
def tiny_cfg(path, root, work_dir, **model):
    cfg = Config.fromfile(path)
    cfg.work_dir = str(work_dir)
    cfg.launcher = 'none'
    cfg.bands = 4
    cfg.model.teacher = dict(TINY_T)
    cfg.model.update(model)
    if cfg.model.get('student'):
        cfg.model.student = dict(TINY_S)
    for key in ('train_dataloader', 'test_dataloader'):
        ds = cfg[key].dataset
        ds.data_root, ds.bands = str(root), 4
    cfg.train_dataloader.dataset.update(exclude_scenes=['c'], crop_size=8, crops_per_scene=2)
    cfg.train_dataloader.batch_size = 2
    cfg.test_dataloader.dataset.scenes = ['c']
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.checkpoint.interval = 1
    cfg.default_hooks.logger.interval = 1
    return cfg


def test_two_iteration_runner_training_of_both_stages(tmp_path):
    rng = np.random.default_rng(0)
    root = tmp_path / 'had'
    root.mkdir()
    for name in 'abc':
        cube = rng.integers(0, 1000, size=(12, 12, 6)).astype(np.uint16)
        mask = np.zeros((12, 12), np.uint8)
        mask[5, 5] = 1
        cube[5, 5] += 3000
        savemat(root / f'{name}.mat', dict(data=cube, map=mask))
    teacher = Runner.from_cfg(tiny_cfg(TEACHER_CFG, root, tmp_path / 't'))
    teacher.train()
    assert teacher.iter == 2  # 2 scenes x 2 crops / batch 2
    ckpt = tmp_path / 't' / 'epoch_1.pth'
    assert ckpt.is_file()
    student = Runner.from_cfg(tiny_cfg(STUDENT_CFG, root, tmp_path / 's',
                                       teacher_checkpoint=str(ckpt)))
    before = copy.deepcopy(student.model.student.state_dict())
    student.train()
    assert student.iter == 2
    after = student.model.student.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before if 'num_batches' not in k)
    metrics = student.test()
    assert 0 <= metrics['had/auc_df/c'] <= 1 and metrics['had/auc_ftau/c'] >= 0
