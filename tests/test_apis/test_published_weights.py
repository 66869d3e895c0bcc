"""The published weights, from a fresh clone: ``get_model(name, pretrained=True)``
finds the release file in the checkout's ``weights/`` folder (empty cache, no
network), checks its SHA-256 and reproduces the metafile's OA on the test split.

Slow (each model: 8000 AID-150px test images at 128 or 150 px on CPU).
"""
import pytest
import torch

from rszoo.apis import download, get_model, get_model_info

PUBLISHED = [
    'efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_20e',
    'sskdnet_efficientnet-lite0_in1k-pre_aid150-20-80_128px_1xb32_10e_seed1-deploy',
    'cpu-recipe_efficientnet-lite2_in1k-pre_aid150-16-4-80_150px_1xb32_30e_seed2-deploy',
    'sskdnet-residual_efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_20e_kd-weight0.1'
    '_seed2-deploy',
    'cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e_seed0-deploy',
    'cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e_lean_seed0-deploy',
]


def overall_accuracy(model) -> float:
    """Top-1 accuracy (%) of ``model`` on its config's test dataloader."""
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner
    loader_cfg = dict(model.cfg.test_dataloader)
    loader_cfg['persistent_workers'] = False
    with DefaultScope.overwrite_default_scope(model.cfg.get('default_scope', 'rszoo')):
        loader = Runner.build_dataloader(loader_cfg)
    correct = total = 0
    with torch.no_grad():
        for batch in loader:
            for sample in model.test_step(batch):
                correct += int(sample.pred_label.item() == sample.gt_label.item())
                total += 1
    assert total == len(loader.dataset)
    return 100.0 * correct / total


@pytest.mark.slow
@pytest.mark.parametrize('name', PUBLISHED)
def test_published_model_reproduces_its_metafile_oa(name, aid_root, tmp_path, monkeypatch):
    monkeypatch.setenv('RSZOO_HOME', str(tmp_path / 'home'))  # an empty cache
    monkeypatch.delenv('RSZOO_WEIGHTS_MIRROR', raising=False)
    real_urlopen = download.urllib.request.urlopen

    def offline(request, *args, **kwargs):
        url = getattr(request, 'full_url', request)
        assert url.startswith('file:'), f'network access to {url}'
        return real_urlopen(request, *args, **kwargs)
    monkeypatch.setattr(download.urllib.request, 'urlopen', offline)

    info = get_model_info(name)
    assert info.weights and info.weights_sha256, f'{name}: no published weights'
    dataset, expected = info.top1
    model = get_model(name, pretrained=True)
    cached = tmp_path / 'home' / 'checkpoints' / download.file_name_from_url(info.weights)
    assert cached.is_file() and download.sha256_file(cached) == info.weights_sha256
    oa = overall_accuracy(model)
    assert abs(oa - float(expected)) <= 0.1, (
        f'{name}: OA {oa:.2f} on its test split, metafile says {expected} ({dataset})')
