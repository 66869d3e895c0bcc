"""MDFL-like classifier: loss terms, the three forward modes, the missing-modality path
(one modality only -> valid predictions) and the single-modality baselines of the same model."""
import pytest
import torch
from mmpretrain.structures import DataSample

from rszoo.utils import register_all_modules

register_all_modules()
from rszoo.registry import MODELS  # noqa: E402

pytestmark = pytest.mark.usefixtures('single_thread_registry')
SMALL = dict(encoder=dict(embed_dim=16, depth=2, num_groups=4, schedule=dict(num_timesteps=20)),
             fusion=dict(rank=8, out_channels=8), head=dict(raw_dim=8, hidden_dim=16))


def build(**kw):
    return MODELS.build(dict(type='MDFL', in_channels=(12, 3), num_classes=5, **SMALL, **kw))


def batch(n=6, size=1, keys=('hsi', 'lidar'), channels=dict(hsi=12, lidar=3)):
    inputs = {k: torch.randn(n, channels[k], size, size) for k in keys}
    return inputs, [DataSample().set_gt_label(i % 5) for i in range(n)]


@pytest.mark.parametrize('size', [1, 7])
def test_loss_terms_are_finite_and_train_every_part(size):
    model = build()
    inputs, samples = batch(size=size)
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_aux_0', 'loss_aux_1', 'loss_diff_0', 'loss_diff_1'}
    assert all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name


def test_loss_weights_scale_the_terms():
    torch.manual_seed(0)
    model = build(loss_weights=dict(aux=0., diff=0.))
    losses = model(*batch(), mode='loss')
    assert losses['loss_aux_0'] == 0 and losses['loss_diff_1'] == 0 and losses['loss_cls'] > 0


def test_predict_fused_and_missing_modality():
    model = build().eval()
    inputs, samples = batch()
    assert model(inputs, mode='tensor').shape == (6, 5)
    out = model(inputs, samples, mode='predict')
    assert all(0 <= int(s.pred_label) < 5 for s in out)
    # LiDAR only: its encoder and its own feature-reuse head; HSI never needed
    lidar_only = {'lidar': inputs['lidar']}
    scores = model(lidar_only, mode='tensor')
    torch.testing.assert_close(scores, model._modality_logits(
        inputs['lidar'], model.modality_features(inputs, 1), 1))
    preds = model(lidar_only, [DataSample() for _ in range(6)], mode='predict')
    assert all(0 <= int(s.pred_label) < 5 for s in preds)
    assert all(torch.isclose(s.pred_score.sum(), torch.tensor(1.)) for s in preds)
    # the fused output does not equal the LiDAR head's
    assert not torch.allclose(model(inputs, mode='tensor'), scores)


def test_pred_head_errors_and_forcing():
    model = build(pred_head='fused').eval()
    with pytest.raises(KeyError, match='needs both'):
        model({'lidar': torch.randn(2, 3, 1, 1)}, mode='tensor')
    with pytest.raises(KeyError, match='none of the modalities'):
        model({'sar': torch.randn(2, 3, 1, 1)}, mode='tensor')
    with pytest.raises(ValueError, match='pred_head'):
        build(pred_head='sar')
    forced = build(pred_head='hsi').eval()
    assert forced(batch()[0], mode='tensor').shape == (6, 5)
    with pytest.raises(ValueError, match=r'"lidar" must be \(B, 3'):
        build().eval()({'hsi': torch.randn(2, 12, 1, 1), 'lidar': torch.randn(2, 4, 1, 1)},
                       mode='tensor')


def test_single_modality_baseline_of_the_same_model():
    model = MODELS.build(dict(type='MDFL', in_channels=(3, 3), num_classes=5,
                              modality_keys=('lidar', 'lidar'), **SMALL))
    inputs, samples = batch(keys=('lidar', ))
    assert torch.isfinite(sum(model(inputs, samples, mode='loss').values()))
    assert model.eval()(inputs, mode='tensor').shape == (6, 5)


def test_no_feature_reuse_and_feature_t_range():
    model = build(feature_reuse=False)
    assert model.head.raw is None
    with pytest.raises(ValueError, match='feature_t'):
        build(feature_t=20)
