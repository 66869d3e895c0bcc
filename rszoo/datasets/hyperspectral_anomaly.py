"""Hyperspectral anomaly detection (HAD) scenes: (H, W, B) cubes with binary
anomaly masks in MATLAB ``.mat`` files (keys ``data`` and ``map``), e.g. the ABU
(Airport-Beach-Urban), HYDICE-urban and San Diego scenes of
``../shared/data/had-abu-hydice-sandiego`` (see its README).

Two modes:

- ``mode='test'``: one sample per scene, the whole cube.
- ``mode='train'``: ``crops_per_scene`` random ``crop_size`` windows per scene
  and epoch, rotated by a random multiple of 90 degrees and flipped (each axis
  with p = 0.5), each with a synthetic anomaly mask
  (:class:`rszoo.models.utils.SyntheticAnomalyMask`); the ``map`` is *not*
  read (no scene's anomaly map is used for training).

Bands and scale are identical in both modes (STAD's code normalises training
crops but feeds raw test cubes; rszoo does not): the first ``bands`` bands
(all if ``None``), min-max scaled to [0, 1] over the whole scene and all those
bands together (``normalize='scene_minmax'``); training crops are cut from the
normalised scene. ``with_full_cube=True`` also hands the raw cube with all its
bands to the model (``data_sample.full_cube``, (H, W, B) float32; STAD's small
target filter uses it).

Each sample: ``inputs`` (C, h, w) float32 and ``data_samples`` (mmpretrain
``DataSample``) with ``scene`` (the file stem) and, in test mode,
``gt_anomaly_map`` (H, W) uint8; in train mode ``synthetic_mask`` (h, w) float32.
"""
import glob
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmpretrain.structures import DataSample

from rszoo.fileio import resolve_path
from rszoo.registry import DATASETS, TASK_UTILS


def load_had_mat(path: str, data_key: str = 'data',
                 map_key: Optional[str] = 'map') -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Read one HAD ``.mat`` file.

    Returns:
        ``(cube, mask)``: ``cube`` (H, W, B) as stored, ``mask`` (H, W) uint8
        in {0, 1} (``None`` when ``map_key`` is ``None``).

    Raises:
        FileNotFoundError, KeyError or ValueError naming the file, the key and
        the shape that was expected.
    """
    from scipy.io import loadmat
    if not osp.isfile(path):
        raise FileNotFoundError(f'HAD scene {path} does not exist')
    mat = loadmat(path)
    keys = sorted(k for k in mat if not k.startswith('__'))
    if data_key not in mat:
        raise KeyError(f'{path}: no key "{data_key}" (the (H, W, B) cube); keys: {keys}')
    cube = mat[data_key]
    if cube.ndim != 3:
        raise ValueError(f'{path}: "{data_key}" has shape {cube.shape}; expected (H, W, B)')
    if map_key is None:
        return cube, None
    if map_key not in mat:
        raise KeyError(f'{path}: no key "{map_key}" (the (H, W) anomaly mask); keys: {keys}')
    mask = np.asarray(mat[map_key])
    if mask.shape != cube.shape[:2]:
        raise ValueError(f'{path}: "{map_key}" has shape {mask.shape}; expected '
                         f'{cube.shape[:2]} (the H, W of "{data_key}")')
    values = np.unique(mask)
    if not np.isin(values, (0, 1)).all():
        raise ValueError(f'{path}: "{map_key}" must be binary (0/1); found values {values[:10]}')
    return cube, mask.astype(np.uint8)


def minmax(array: np.ndarray) -> np.ndarray:
    """Global min-max scaling to [0, 1] (float32); a constant array maps to 0."""
    array = np.asarray(array, dtype=np.float32)
    lo, hi = float(array.min()), float(array.max())
    return (array - lo) / (hi - lo) if hi > lo else array - lo


@DATASETS.register_module()
class HyperspectralAnomalyDataset(BaseDataset):
    """HAD scenes for training and testing anomaly detectors.

    Args:
        data_root (str): folder of ``*.mat`` scenes.
        scenes (list[str], optional): file stems to use (default: all, sorted).
        exclude_scenes (list[str]): stems to leave out (leave-one-scene-out).
        bands (int, optional): use the first ``bands`` bands (STAD's rule); all
            if ``None``. A scene with fewer bands is an error.
        normalize (str): ``'scene_minmax'`` (default) or ``'none'``.
        mode (str): ``'test'`` or ``'train'``.
        crop_size (int): side of the training crops. Default 32.
        crops_per_scene (int): training samples per scene and epoch. Default 16.
        augment (bool): random rot90 and flips of the training crops. Default True.
        anomaly_generator (dict): config of the synthetic-mask generator (a
            ``TASK_UTILS`` type), or ``None`` for no synthetic anomalies.
        with_full_cube (bool): add the raw all-band cube to each test sample.
        data_key, map_key (str): the ``.mat`` keys.
    """

    METAINFO = dict(classes=('background', 'anomaly'))

    def __init__(self,
                 data_root: str,
                 scenes: Optional[Sequence[str]] = None,
                 exclude_scenes: Sequence[str] = (),
                 bands: Optional[int] = None,
                 normalize: str = 'scene_minmax',
                 mode: str = 'test',
                 crop_size: int = 32,
                 crops_per_scene: int = 16,
                 augment: bool = True,
                 anomaly_generator: Optional[dict] = dict(type='SyntheticAnomalyMask'),
                 with_full_cube: bool = False,
                 data_key: str = 'data',
                 map_key: str = 'map',
                 **kwargs):
        if mode not in ('train', 'test'):
            raise ValueError(f'HyperspectralAnomalyDataset: mode must be "train" or "test", '
                             f'got "{mode}"')
        if normalize not in ('scene_minmax', 'none'):
            raise ValueError(f'HyperspectralAnomalyDataset: normalize must be "scene_minmax" '
                             f'or "none", got "{normalize}"')
        self.scenes = list(scenes) if scenes is not None else None
        self.exclude_scenes = list(exclude_scenes)
        self.bands, self.normalize, self.mode = bands, normalize, mode
        self.crop_size, self.crops_per_scene, self.augment = crop_size, crops_per_scene, augment
        self.with_full_cube = with_full_cube
        self.data_key, self.map_key = data_key, map_key
        self.generator = (TASK_UTILS.build(anomaly_generator)
                          if anomaly_generator is not None and mode == 'train' else None)
        self._cubes: Dict[str, dict] = {}
        kwargs.setdefault('serialize_data', False)
        super().__init__(data_root=data_root, test_mode=(mode == 'test'), **kwargs)

    # ------------------------------------------------------------ loading
    def load_data_list(self) -> List[dict]:
        root = resolve_path(self.data_root)
        if not osp.isdir(root):
            raise FileNotFoundError(
                f'HAD data folder {root} does not exist (set RSZOO_DATA_ROOT to the folder '
                'holding had-abu-hydice-sandiego/, normally ../shared/data)')
        found = {osp.splitext(osp.basename(p))[0]: p
                 for p in sorted(glob.glob(osp.join(root, '*.mat')))}
        wanted = self.scenes if self.scenes is not None else sorted(found)
        missing = [s for s in wanted + self.exclude_scenes if s not in found]
        if missing:
            raise FileNotFoundError(f'HAD scenes {missing} not found in {root}; found '
                                    f'{sorted(found)}')
        wanted = [s for s in wanted if s not in self.exclude_scenes]
        if not wanted:
            raise ValueError(f'HyperspectralAnomalyDataset: no scene left in {root} after '
                             f'excluding {self.exclude_scenes}')
        for scene in wanted:
            self._cubes[scene] = self._read_scene(found[scene])
        return [dict(scene=s, mat_path=found[s]) for s in wanted]

    def _read_scene(self, path: str) -> dict:
        cube, mask = load_had_mat(path, self.data_key,
                                  self.map_key if self.mode == 'test' else None)
        if self.bands is not None:
            if cube.shape[2] < self.bands:
                raise ValueError(f'{path}: "{self.data_key}" has {cube.shape[2]} bands; '
                                 f'bands={self.bands} needs at least that many')
            used = cube[..., :self.bands]
        else:
            used = cube
        used = minmax(used) if self.normalize == 'scene_minmax' else used.astype(np.float32)
        if self.mode == 'train' and min(used.shape[:2]) < self.crop_size:
            raise ValueError(f'{path}: scene {used.shape[:2]} is smaller than crop_size '
                             f'{self.crop_size}')
        item = dict(cube=np.ascontiguousarray(used.transpose(2, 0, 1)), mask=mask)
        if self.with_full_cube:
            item['full_cube'] = cube.astype(np.float32)
        return item

    def __len__(self) -> int:
        n = len(self.data_list) if self._fully_initialized else 0
        return n * self.crops_per_scene if self.mode == 'train' else n

    def get_data_info(self, idx: int) -> dict:
        return dict(self.data_list[idx % len(self.data_list)])

    # ------------------------------------------------------------ samples
    def prepare_data(self, idx: int) -> dict:
        info = self.get_data_info(idx)
        item = self._cubes[info['scene']]
        sample = DataSample()
        sample.set_metainfo(dict(scene=info['scene'], mat_path=info['mat_path']))
        if self.mode == 'test':
            sample.set_field(torch.from_numpy(item['mask']), 'gt_anomaly_map')
            if self.with_full_cube:
                sample.set_field(torch.from_numpy(item['full_cube']), 'full_cube')
            return dict(inputs=torch.from_numpy(item['cube']), data_samples=sample)

        cube = item['cube']
        _, h, w = cube.shape
        s = self.crop_size
        top, left = np.random.randint(0, h - s + 1), np.random.randint(0, w - s + 1)
        crop = cube[:, top:top + s, left:left + s]
        if self.augment:
            crop = np.rot90(crop, k=np.random.randint(4), axes=(1, 2))
            if np.random.rand() < 0.5:
                crop = crop[:, :, ::-1]
            if np.random.rand() < 0.5:
                crop = crop[:, ::-1, :]
        mask = (self.generator(crop=s) if self.generator is not None
                else np.zeros((s, s), np.uint8))
        sample.set_field(torch.from_numpy(mask.astype(np.float32)), 'synthetic_mask')
        return dict(inputs=torch.from_numpy(np.ascontiguousarray(crop)), data_samples=sample)

    # ------------------------------------------------------------ display
    def plot(self, idx: int = 0, score: Optional[np.ndarray] = None, rgb_bands=None,
             title: Optional[str] = None):
        """Figure of a test scene: false-colour composite, ground truth and (if
        given) a detection map. Returns the matplotlib ``Figure``."""
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        info = self.get_data_info(idx)
        item = self._cubes[info['scene']]
        cube = item['cube']
        rgb = false_colour(cube.transpose(1, 2, 0), rgb_bands)
        panels = [('false colour', rgb, None)]
        if item.get('mask') is not None:
            panels.append((f'ground truth ({int(item["mask"].sum())} px)', item['mask'], 'gray'))
        if score is not None:
            panels.append(('detection map', np.asarray(score), 'jet'))
        fig, axes = plt.subplots(1, len(panels), figsize=(3 * len(panels), 3.2))
        for ax, (name, img, cmap) in zip(np.atleast_1d(axes), panels):
            ax.imshow(img, cmap=cmap)
            ax.set_title(name, fontsize=9)
            ax.axis('off')
        fig.suptitle(title or info['scene'], fontsize=10)
        fig.tight_layout()
        return fig


def false_colour(cube: np.ndarray, rgb_bands=None) -> np.ndarray:
    """(H, W, 3) float image in [0, 1] from three bands of a (H, W, B) cube
    (default: bands at 3/4, 1/2, 1/4 of the range), each stretched to its 2-98 %
    percentiles."""
    b = cube.shape[2]
    rgb_bands = rgb_bands or (min(b - 1, 3 * b // 4), b // 2, b // 4)
    img = np.stack([cube[..., i] for i in rgb_bands], axis=-1).astype(np.float32)
    lo = np.percentile(img, 2, axis=(0, 1))
    hi = np.percentile(img, 98, axis=(0, 1))
    return np.clip((img - lo) / np.maximum(hi - lo, 1e-12), 0, 1)
