"""Per-pixel patch sampling from co-registered band stacks (HSI + LiDAR, ...).

:class:`MultimodalPatchDataset` is the base of the land-cover sets
(:class:`~.Houston2013`, :class:`~.Trento`, :class:`~.MUUFL`). It

1. reads every modality's band stack as ``(C, H, W)`` (``.mat`` or GeoTIFF,
   :func:`~.band_io.read_band_stack`; or a seeded synthetic cube of a documented
   shape where the real one is missing, :func:`~.synthetic.synthetic_cube`),
2. checks that all stacks and label maps share one ``(H, W)`` grid and raises
   :class:`GridMismatchError` naming each file's shape otherwise,
3. picks the pixels of its ``split`` under the training-sample protocol:
   ``'masks'`` (the published train / test label maps) or ``'per_class'`` (a
   seeded, fixed number of training pixels per class from one ground-truth map),
   with an optional validation share carved from the training pixels,
4. fits band-wise normalisation on the **training pixels only**
   (:class:`~.band_normalization.BandNormalizer`) and applies it to the grid,
5. serves, for each pixel, a ``(C, p, p)`` patch per modality centred on it
   (symmetric padding at the borders, as the public MIViT code does; for an
   even ``p`` the pixel sits at index ``p // 2``, the lower-right of the four
   centre pixels).

A sample (before the pipeline) is ``{<modality>: (C_m, p, p) float32, 'gt_label':
0-based int (-1 for unlabelled pixels of split='full'), 'row', 'col'}``.
``split='full'`` serves every pixel of the grid (the classification map).
"""
import copy
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset

from rszoo.registry import DATASETS

from .band_io import read_band_stack, read_label_map
from .band_normalization import BandNormalizer
from .pixel_split import carve_validation, read_pixel_split, sample_per_class
from .synthetic import synthetic_cube

SPLITS = ('train', 'val', 'test', 'trainval', 'full')


class GridMismatchError(ValueError):
    """Two modalities (or a modality and a label map) are not on one pixel grid."""


def _source_name(spec: dict) -> str:
    if spec.get('type') == 'synthetic':
        return f'synthetic cube ({spec.get("bands")} bands, seed {spec.get("seed", 0)})'
    return f'{spec["file"]}' + (f':{spec["key"]}' if spec.get('key') else '')


@DATASETS.register_module()
class MultimodalPatchDataset(BaseDataset):
    """Patches around labelled pixels of co-registered band stacks.

    Args:
        modalities (dict): ``name -> spec``, in the order the model expects.
            A spec is ``dict(file=..., key=None, layout='HWC', bands=None)``
            (``file`` relative to ``data_root``) or ``dict(type='synthetic',
            bands=C, seed=0)`` (a seeded stand-in cube on the label grid).
        train_label (dict, optional): ``dict(file=, key=)`` of the training label
            map (protocol ``'masks'``).
        test_label (dict, optional): the test label map (protocol ``'masks'``).
        gt_label (dict, optional): one ground-truth map (protocol ``'per_class'``).
        protocol (str): ``'masks'`` or ``'per_class'``.
        num_per_class (int | float): training pixels per class (``'per_class'``).
        val_ratio (float): share of each class's training pixels carved out for
            validation (0: no validation pixels).
        split (str): ``'train'``, ``'val'``, ``'test'``, ``'trainval'`` (the
            training pixels before the validation carve) or ``'full'`` (every pixel).
        split_seed (int): seed of the per-class draw and of the validation carve.
        split_file (str, optional): a JSON pixel split (``write_pixel_split``)
            indexing the labelled pixels of ``gt_label`` in row-major order;
            overrides the protocol's draw.
        patch_size (int): side ``p`` of the served patches.
        normalization (str): ``'minmax'``, ``'zscore'`` or ``'none'``, fitted per
            band on the training pixels.
        max_per_class (int, optional): keep at most this many pixels per class
            (seeded), for short runs.
        window (sequence of 4 int, optional): ``(row0, row1, col0, col1)``: serve
            only pixels in rows ``row0:row1`` and columns ``col0:col1`` (a map of
            part of the scene); normalisation is still fitted on all training pixels.
        classes (sequence of str, optional): class names (default: METAINFO's).
    """

    METAINFO: dict = {'classes': ()}

    def __init__(self,
                 modalities: Dict[str, dict],
                 train_label: Optional[dict] = None,
                 test_label: Optional[dict] = None,
                 gt_label: Optional[dict] = None,
                 protocol: str = 'masks',
                 num_per_class: Union[int, float] = 20,
                 val_ratio: float = 0.0,
                 split: str = 'train',
                 split_seed: int = 0,
                 split_file: Optional[str] = None,
                 patch_size: int = 8,
                 normalization: str = 'minmax',
                 max_per_class: Optional[int] = None,
                 window: Optional[Sequence[int]] = None,
                 data_root: str = '',
                 pipeline: Sequence = (),
                 test_mode: bool = False,
                 metainfo: Optional[dict] = None,
                 lazy_init: bool = False,
                 **kwargs):
        if split not in SPLITS:
            raise ValueError(f'{type(self).__name__}: split must be one of {SPLITS}, got '
                             f'{split!r}')
        if protocol not in ('masks', 'per_class'):
            raise ValueError(f'{type(self).__name__}: protocol must be "masks" or '
                             f'"per_class", got {protocol!r}')
        if not modalities:
            raise ValueError(f'{type(self).__name__}: no modalities given')
        if int(patch_size) < 1:
            raise ValueError(f'{type(self).__name__}: patch_size must be >= 1, got {patch_size}')
        self.modality_specs = {k: dict(v) for k, v in dict(modalities).items()}
        self.train_label = train_label
        self.test_label = test_label
        self.gt_label = gt_label
        self.protocol = protocol
        self.num_per_class = num_per_class
        self.val_ratio = float(val_ratio)
        self.split = split
        self.split_seed = int(split_seed)
        self.split_file = split_file
        self.patch_size = int(patch_size)
        self.normalization = normalization
        self.max_per_class = max_per_class
        if window is not None and len(window) != 4:
            raise ValueError(f'{type(self).__name__}: window must be (row0, row1, col0, col1), '
                             f'got {window}')
        self.window = None if window is None else tuple(int(v) for v in window)
        self.normalizers: Dict[str, BandNormalizer] = {}
        self._padded: Dict[str, np.ndarray] = {}
        super().__init__(data_root=data_root, pipeline=pipeline, test_mode=test_mode,
                         metainfo=metainfo, lazy_init=lazy_init, serialize_data=False,
                         **kwargs)

    # ------------------------------------------------------------------ reading
    def _path(self, file: str) -> str:
        return file if osp.isabs(file) else osp.join(self.data_root or '', file)

    def _read_labels(self, spec: Optional[dict], what: str) -> np.ndarray:
        if spec is None:
            raise ValueError(f'{type(self).__name__}: protocol "{self.protocol}" needs '
                             f'{what}=dict(file=..., key=...)')
        return read_label_map(self._path(spec['file']), spec.get('key'))

    def _read_modality(self, name: str, spec: dict, grid) -> np.ndarray:
        if spec.get('type') == 'synthetic':
            return synthetic_cube(int(spec['bands']), grid[0], grid[1],
                                  seed=int(spec.get('seed', 0)))
        if 'file' not in spec:
            raise ValueError(f'{type(self).__name__}: modality "{name}" needs file= or '
                             f"type='synthetic'; got {spec}")
        return read_band_stack(self._path(spec['file']), key=spec.get('key'),
                               layout=spec.get('layout', 'HWC'), bands=spec.get('bands'))

    @staticmethod
    def check_grids(shapes: Dict[str, tuple]) -> tuple:
        """The common ``(H, W)`` of ``{source: (H, W)}``, or :class:`GridMismatchError`."""
        grids = {tuple(shape) for shape in shapes.values()}
        if len(grids) != 1:
            listing = '; '.join(f'{name}: {h}x{w}' for name, (h, w) in shapes.items())
            raise GridMismatchError(
                'the modalities and label maps are not on one pixel grid (H x W): '
                f'{listing}. Co-register / crop them to the same grid first.')
        return grids.pop()

    # ------------------------------------------------------------- the pixels
    def _split_pixels(self, label_maps: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        """``{'trainval', 'train', 'val', 'test'}`` -> ``(K, 2)`` (row, col) arrays."""
        if self.protocol == 'masks':
            train_map, test_map = label_maps['train'], label_maps['test']
            overlap = int(np.count_nonzero((train_map > 0) & (test_map > 0)))
            if overlap:
                raise ValueError(f'{type(self).__name__}: the train and test label maps share '
                                 f'{overlap} labelled pixels')
            trainval = np.argwhere(train_map > 0)
            test = np.argwhere(test_map > 0)
        else:
            gt = label_maps['gt']
            labelled = np.argwhere(gt > 0)  # row-major order
            labels = gt[labelled[:, 0], labelled[:, 1]]
            if self.split_file:
                parts = {s: read_pixel_split(self.split_file, s) for s in ('train', 'test')}
            else:
                parts = sample_per_class(labels, self.num_per_class, seed=self.split_seed)
            trainval, test = labelled[parts['train']], labelled[parts['test']]
        labels_tv = self._labels_at(trainval)
        carved = carve_validation(labels_tv, self.val_ratio, seed=self.split_seed)
        return {'trainval': trainval, 'train': trainval[carved['train']],
                'val': trainval[carved['val']], 'test': test}

    def _labels_at(self, pixels: np.ndarray) -> np.ndarray:
        return self._label_grid[pixels[:, 0], pixels[:, 1]]

    def load_data_list(self) -> List[dict]:
        if self.protocol == 'masks':
            label_maps = {'train': self._read_labels(self.train_label, 'train_label'),
                          'test': self._read_labels(self.test_label, 'test_label')}
            names = {'train': _source_name(self.train_label),
                     'test': _source_name(self.test_label)}
        else:
            label_maps = {'gt': self._read_labels(self.gt_label, 'gt_label')}
            names = {'gt': _source_name(self.gt_label)}
        grid = self.check_grids({names[k]: v.shape for k, v in label_maps.items()})
        # one label grid: the union of the maps (they do not overlap)
        self._label_grid = np.zeros(grid, np.int64)
        for labels in label_maps.values():
            self._label_grid = np.where(labels > 0, labels, self._label_grid)
        num_classes = len(self.metainfo.get('classes') or ())
        top = int(self._label_grid.max())
        if num_classes and top > num_classes:
            raise ValueError(f'{type(self).__name__}: label maps hold class {top} but the data '
                             f'set has {num_classes} classes')

        cubes, shapes = {}, {}
        for name, spec in self.modality_specs.items():
            cubes[name] = self._read_modality(name, spec, grid)
            shapes[f'{name} ({_source_name(spec)})'] = cubes[name].shape[1:]
        self.check_grids({**shapes, **{names[k]: v.shape for k, v in label_maps.items()}})

        parts = self._split_pixels(label_maps)
        self.split_sizes = {k: len(v) for k, v in parts.items()}
        fit_pixels = parts['train']
        fit_mask = np.zeros(grid, bool)
        fit_mask[fit_pixels[:, 0], fit_pixels[:, 1]] = True
        half = self.patch_size // 2
        for name, cube in cubes.items():
            normalizer = BandNormalizer(self.normalization).fit_cube(cube, fit_mask)
            self.normalizers[name] = normalizer
            cube = normalizer.transform(cube, channel_axis=0)
            self._padded[name] = np.pad(cube, ((0, 0), (half, half), (half, half)),
                                        mode='symmetric')
        self.grid_shape = grid

        if self.split == 'full':
            pixels = np.argwhere(np.ones(grid, bool))
        else:
            pixels = parts[self.split]
        if self.window is not None:
            r0, r1, c0, c1 = self.window
            inside = ((pixels[:, 0] >= r0) & (pixels[:, 0] < r1) & (pixels[:, 1] >= c0)
                      & (pixels[:, 1] < c1))
            pixels = pixels[inside]
        labels = self._label_grid[pixels[:, 0], pixels[:, 1]] - 1  # 0-based, -1 unlabelled
        if self.max_per_class and self.split != 'full':
            rng = np.random.default_rng(self.split_seed)
            keep = []
            for label in np.unique(labels):
                members = np.flatnonzero(labels == label)
                if len(members) > self.max_per_class:
                    members = np.sort(rng.choice(members, self.max_per_class, replace=False))
                keep.append(members)
            keep = np.sort(np.concatenate(keep))
            pixels, labels = pixels[keep], labels[keep]
        return [{'row': int(r), 'col': int(c), 'gt_label': int(y)}
                for (r, c), y in zip(pixels, labels)]

    # --------------------------------------------------------------- serving
    def patch(self, name: str, row: int, col: int) -> np.ndarray:
        """The ``(C, p, p)`` patch of modality ``name`` around pixel (row, col)."""
        p = self.patch_size
        return self._padded[name][:, row:row + p, col:col + p].copy()

    def get_data_info(self, idx: int) -> dict:
        info = copy.deepcopy(self.data_list[idx])
        for name in self.modality_specs:
            info[name] = self.patch(name, info['row'], info['col'])
        info['modalities'] = tuple(self.modality_specs)
        info['sample_idx'] = idx
        return info

    @property
    def label_grid(self) -> np.ndarray:
        """``(H, W)`` int64 labels, 0 = unlabelled, 1..K as in the files."""
        return self._label_grid

    def get_gt_labels(self) -> np.ndarray:
        return np.asarray([d['gt_label'] for d in self.data_list], dtype=np.int64)
