"""MIViT: shapes, the authors' parameter count, the loss terms, the missing-modality path
and the single-modality baselines of the same model."""
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.utils import register_all_modules

register_all_modules()  # stack fixes (B10) before rszoo.models is imported
from rszoo.models.classifiers.mivit import multiscale_crops  # noqa: E402
from rszoo.registry import MODELS  # noqa: E402

LOSS_KEYS = {'loss_cls', 'loss_rec', 'loss_aux_a', 'loss_kd_a', 'loss_aux_b', 'loss_kd_b',
             'loss_aux_pyramid', 'loss_kd_pyramid', 'loss_iac'}


pytestmark = pytest.mark.usefixtures('single_thread_registry')


def samples(n, k):
    return [DataSample().set_gt_label(i % k) for i in range(n)]


def test_multiscale_crops_keep_the_pixel_at_the_centre():
    x = torch.zeros(1, 1, 24, 24)
    x[..., 12, 12] = 1  # the labelled pixel of an even 24-pixel patch
    for crop, size in zip(multiscale_crops(x, (8, 16, 24)), (8, 16, 24)):
        assert crop.shape[-1] == size and crop[0, 0, size // 2, size // 2] == 1
    with pytest.raises(ValueError, match='does not fit'):
        multiscale_crops(torch.zeros(1, 1, 8, 8), (16, ))


@pytest.mark.parametrize('bands', [(144, 1), (63, 2), (5, 7)])
def test_paper_model_shapes_losses_and_parameter_count(bands):
    torch.manual_seed(0)
    model = MODELS.build(dict(type='MIViT', in_channels=bands, num_classes=15))
    inputs = {'hsi': torch.rand(3, bands[0], 24, 24), 'lidar': torch.rand(3, bands[1], 24, 24)}
    losses = model(inputs, samples(3, 15), mode='loss')
    assert set(losses) == LOSS_KEYS and all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    assert model.iac.alpha.grad is not None and model.encoder.scale_weights.grad is not None
    model.eval()
    with torch.no_grad():
        assert model(inputs, mode='tensor').shape == (3, 15)
        feats = model.extract_feat(inputs)
    assert feats['z_a'].shape == feats['z_f'].shape == (3, 64, 8, 8)
    assert feats['x_vit'].shape == (3, 65, 64) and feats['tokens'].shape == (3, 64, 64)
    if bands == (144, 1):
        # the authors' MMA (l1=144, l2=1, C=15) has 2,653,471 parameters; rszoo leaves out the
        # two transformers' unused `skipcat` convs (3 x Conv2d(65, 65, [1, 2]) each = 25,545)
        assert sum(p.numel() for p in model.parameters()) == 2_653_471 - 2 * 25_545


def test_missing_modality_predicts_from_one_modality():
    torch.manual_seed(0)
    model = MODELS.build(dict(type='MIViT', in_channels=(6, 2), num_classes=4)).eval()
    both = {'hsi': torch.rand(5, 6, 24, 24), 'lidar': torch.rand(5, 2, 24, 24)}
    with torch.no_grad():
        lidar_only = model({'lidar': both['lidar']}, samples(5, 4), mode='predict')
        expected = model.modality_heads[1](model.encoder.forward_single(
            multiscale_crops(both['lidar'], (8, 16, 24)), 1))
        hsi_only = model({'hsi': both['hsi']}, mode='predict')
        fused = model(both, mode='predict')
    for preds in (lidar_only, hsi_only, fused):
        scores = torch.stack([p.pred_score for p in preds])
        assert scores.shape == (5, 4) and torch.allclose(scores.sum(1), torch.ones(5))
        assert all(0 <= int(p.pred_label) < 4 for p in preds)
    torch.testing.assert_close(torch.stack([p.pred_score for p in lidar_only]), expected)
    # the LiDAR-only prediction does not depend on any HSI tensor (none was given)
    model.pred_head = 'fused'
    with pytest.raises(KeyError, match='needs both modalities; missing'):
        model({'lidar': both['lidar']}, mode='predict')
    model.pred_head = 'lidar'
    with torch.no_grad():
        forced = model(both, mode='predict')
    torch.testing.assert_close(torch.stack([p.pred_score for p in forced]), expected)


def test_pixel_vector_variant_and_single_modality_baseline():
    torch.manual_seed(0)
    fusion = MODELS.build(dict(type='MIViT', in_channels=(144, 21), num_classes=15, base_size=1,
                               scales=(1, )))
    assert fusion.pyramid.mode == 'pooled'
    vec = {'hsi': torch.rand(4, 144, 1, 1), 'lidar': torch.rand(4, 21, 1, 1)}
    assert set(fusion(vec, samples(4, 15), mode='loss')) == LOSS_KEYS
    hsi_only = MODELS.build(dict(type='MIViT', in_channels=(144, 144), num_classes=15, base_size=1,
                                 scales=(1, ), modality_keys=('hsi', 'hsi'))).eval()
    with torch.no_grad():
        out = hsi_only({'hsi': vec['hsi']}, mode='predict')  # both streams read the HSI vector
    assert len(out) == 4


def test_wrong_band_count_and_bad_arguments_are_clear():
    model = MODELS.build(dict(type='MIViT', in_channels=(6, 2), num_classes=4))
    with pytest.raises(ValueError, match='"hsi" has 5 bands, the model was built for 6'):
        model({'hsi': torch.rand(1, 5, 24, 24), 'lidar': torch.rand(1, 2, 24, 24)}, mode='tensor')
    with pytest.raises(ValueError, match='pred_head'):
        MODELS.build(dict(type='MIViT', in_channels=(6, 2), num_classes=4, pred_head='sar'))
    with pytest.raises(KeyError, match='none of the modalities'):
        model({'sar': torch.rand(1, 2, 24, 24)}, mode='tensor')


def test_distillation_off_keeps_only_the_main_and_reconstruction_losses():
    model = MODELS.build(dict(type='MIViT', in_channels=(3, 1), num_classes=2, distillation=False))
    losses = model({'hsi': torch.rand(2, 3, 24, 24), 'lidar': torch.rand(2, 1, 24, 24)},
                   samples(2, 2), mode='loss')
    assert set(losses) == {'loss_cls', 'loss_rec'}
