"""``BackgroundMaskShuffle`` (SSKDNet): background masking and patch shuffling."""
import pytest
import torch
import torch.nn.functional as F

from rszoo.models.utils import BackgroundMaskShuffle

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_shuffle_of_arange_image_is_a_permutation_of_its_patches():
    k, size = 4, 8
    module = BackgroundMaskShuffle(grid_size=k)
    x = torch.arange(2 * 3 * size * size, dtype=torch.float32).view(2, 3, size, size)
    torch.manual_seed(0)
    perm = module.random_permutation(2, x.device)
    out = module.shuffle_patches(x, perm)
    assert out.shape == x.shape
    p = size // k

    def patch(t, n, idx):
        r, c = divmod(int(idx), k)
        return t[n, :, r * p:(r + 1) * p, c * p:(c + 1) * p]

    for n in range(2):
        assert sorted(perm[n].tolist()) == list(range(k * k))
        for j in range(k * k):  # output patch j is input patch perm[n, j]
            assert torch.equal(patch(out, n, j), patch(x, n, perm[n, j]))
    # the same values, moved: a permutation of the pixels as a whole
    assert torch.equal(out.flatten().sort().values, x.flatten().sort().values)
    # the inverse permutation restores the input
    assert torch.equal(module.shuffle_patches(out, perm.argsort(dim=1)), x)
    assert not torch.equal(out, x)


def test_attention_mask_is_exactly_the_lowest_attention_pixels():
    module = BackgroundMaskShuffle(mask_ratio=0.25, grid_size=1, mode='attention',
                                   fill_value=-7.0)
    torch.manual_seed(1)
    images = torch.randn(2, 3, 8, 8)
    feature = torch.rand(2, 5, 8, 8)  # same size as the image: no interpolation
    out, mask, perm = module(images, feature)
    assert out.shape == images.shape and mask.shape == (2, 1, 8, 8)
    assert perm.shape == (2, 1)
    attention = feature.mean(dim=1)
    for n in range(2):
        lowest = set(attention[n].flatten().argsort()[:16].tolist())
        assert set(mask[n, 0].flatten().nonzero().flatten().tolist()) == lowest
    # masked pixels (all channels) hold fill_value, the others are untouched
    m = mask.expand_as(images)
    assert torch.all(out[m] == -7.0)
    assert torch.equal(out[~m], images[~m])


def test_attention_map_is_upsampled_late_stage_channel_mean():
    module = BackgroundMaskShuffle(mask_ratio=0.5, grid_size=2)
    feature = torch.rand(3, 4, 2, 2)
    images = torch.randn(3, 3, 16, 16)
    mask = module.background_mask(images, feature)
    assert mask.shape == (3, 1, 16, 16)
    assert mask.sum(dim=(1, 2, 3)).tolist() == [128, 128, 128]
    up = F.interpolate(feature.mean(1, keepdim=True), size=(16, 16), mode='bilinear',
                       align_corners=False)[:, 0]
    # every masked pixel has lower attention than every kept pixel
    for n in range(3):
        assert up[n][mask[n, 0]].max() <= up[n][~mask[n, 0]].min()


def test_random_mode_masks_whole_blocks_and_shuffle_moves_them():
    module = BackgroundMaskShuffle(mask_ratio=0.25, grid_size=2, mode='random', random_grid=4)
    images = torch.ones(2, 3, 16, 16)
    torch.manual_seed(0)
    out, mask, perm = module(images)
    assert out.shape == images.shape
    blocks = mask.view(2, 4, 4, 4, 4).permute(0, 1, 3, 2, 4).reshape(2, 16, 16)
    per_block = blocks.sum(dim=2)
    assert set(per_block.unique().tolist()) <= {0, 16}  # whole 4x4 blocks
    assert (per_block == 16).sum(dim=1).tolist() == [4, 4]  # round(0.25 * 16)
    # the shuffled output is the masked image with its 2x2 patches permuted
    expected = module.shuffle_patches(images.masked_fill(mask, 0.), perm)
    assert torch.equal(out, expected)
    assert (out == 0).sum().item() == 2 * 3 * 64


def test_mask_shuffle_errors_are_clear():
    with pytest.raises(ValueError, match='grid_size=3 must divide'):
        BackgroundMaskShuffle(grid_size=3).shuffle_patches(
            torch.zeros(1, 1, 8, 8), torch.zeros(1, 9, dtype=torch.long))
    with pytest.raises(ValueError, match='needs the backbone attention feature'):
        BackgroundMaskShuffle(mode='attention')(torch.zeros(1, 3, 8, 8))
    with pytest.raises(ValueError, match='mode must be one of'):
        BackgroundMaskShuffle(mode='saliency')
    fallback = BackgroundMaskShuffle(mode='attention', fallback_to_random=True, grid_size=2)
    assert fallback(torch.zeros(1, 3, 8, 8))[0].shape == (1, 3, 8, 8)
