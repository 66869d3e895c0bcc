"""tools/visualization/vis_cam.py: Grad-CAM (pytorch_grad_cam) of a tiny randomly
initialised ResNet (tests/configs/tiny_resnet_aid150.py) on an AID-150px image."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from conftest import REPO_ROOT, load_tool

TINY = 'tests/configs/tiny_resnet_aid150.py'
AT_64PX = ['--cfg-options', 'test_dataloader.dataset.pipeline.1.scale=(64,64)']


tool = load_tool('tools/visualization/vis_cam.py')


@pytest.fixture(scope='module')
def tiny_model():
    from rszoo.registry import MODELS
    from rszoo.utils import register_all_modules
    register_all_modules()
    torch.manual_seed(0)
    return MODELS.build(Config.fromfile(str(REPO_ROOT / TINY)).model).eval()


@pytest.fixture(scope='module')
def checkpoint(tiny_model, tmp_path_factory):
    path = tmp_path_factory.mktemp('cam') / 'random_init.pth'
    torch.save({'state_dict': tiny_model.state_dict(), 'meta': {}}, path)
    return str(path)


@pytest.fixture(scope='module')
def image(aid_root):
    return str(sorted((aid_root / 'Airport').iterdir())[0])


def test_default_target_layer_is_the_last_stage_with_a_map(tiny_model):
    # ResNet at 64 px: layer4 gives 2 x 2; at 32 px layer4 is 1 x 1, so layer3 (2 x 2)
    name, module = tool.default_target_layer(tiny_model, torch.randn(1, 3, 64, 64))
    assert name == 'backbone.layer4' and module is tiny_model.backbone.layer4
    assert tool.default_target_layer(tiny_model, torch.randn(1, 3, 32, 32))[0] == \
        'backbone.layer3'
    assert tool.get_layer(tiny_model, 'backbone.layer2') is tiny_model.backbone.layer2
    with pytest.raises(KeyError, match='no module "backbone.layer9"'):
        tool.get_layer(tiny_model, 'backbone.layer9')


def test_logits_wrapper_and_token_reshape(tiny_model):
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert tool.LogitsModel(tiny_model)(x).shape == (2, 30)
    tokens = torch.randn(2, 1 + 16, 8)
    mapped = tool.token_reshape(1)(tokens)
    assert mapped.shape == (2, 8, 4, 4)
    assert torch.equal(mapped[:, :, 0, 1], tokens[:, 2, :])  # token 1 of the patches
    fmap = torch.randn(1, 4, 3, 3)
    assert tool.token_reshape(0)(fmap) is fmap
    with pytest.raises(ValueError, match='not a square number'):
        tool.token_reshape(0)(tokens)
    assert {'gradcam', 'gradcam++', 'xgradcam', 'eigencam', 'layercam'} <= set(tool.cam_methods())


def test_gradcam_overlay_on_an_aid_image(image, checkpoint, tmp_path, capsys):
    out = tmp_path / 'cam.png'
    result = tool.main([image, TINY, checkpoint, '--out', str(out), *AT_64PX])
    assert result['target_layers'] == ['backbone.layer4']
    cam = result['cam']
    assert cam.shape == (64, 64) and cam.min() >= 0 and cam.max() <= 1 and cam.std() > 0
    picture = np.asarray(Image.open(out))
    assert picture.shape == (64, 64, 3) and picture.dtype == np.uint8
    printed = capsys.readouterr().out
    assert 'GradCAM of' in printed and 'at backbone.layer4' in printed
    assert f'saved to {out}' in printed
    # the CAM of the predicted class is the CAM of that class asked for explicitly
    same = tool.main([image, TINY, checkpoint, '--out', str(tmp_path / 'same.png'),
                      '--target-category', str(result['pred']), *AT_64PX])
    np.testing.assert_allclose(same['cam'], cam, atol=1e-5)


def test_other_methods_layers_and_errors(image, checkpoint, tmp_path, capsys):
    plus = tool.main([image, TINY, checkpoint, '--method', 'GradCAM++', '--target-layers',
                      'backbone.layer3', '--target-category', '5', '--out',
                      str(tmp_path / 'pp.png'), *AT_64PX])
    assert plus['target_layers'] == ['backbone.layer3'] and plus['cam'].shape == (64, 64)
    assert (tmp_path / 'pp.png').is_file()
    with pytest.raises(ValueError, match=r'target category \[30\] outside \[0, 30\)'):
        tool.main([image, TINY, checkpoint, '--target-category', '30', *AT_64PX])
    with pytest.raises(KeyError, match='--preview-model'):
        tool.main([image, TINY, checkpoint, '--target-layers', 'backbone.stage4', *AT_64PX])
    assert tool.main([image, TINY, checkpoint, '--preview-model']) is None
    assert 'backbone.layer4.1.conv2' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        tool.parse_args([image, TINY, checkpoint, '--method', 'NoSuchCAM'])
    with pytest.raises(FileNotFoundError, match='does not exist'):
        tool.main([str(tmp_path / 'missing.jpg'), TINY, checkpoint])
