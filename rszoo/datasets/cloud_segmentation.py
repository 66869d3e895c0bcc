"""38-Cloud (Landsat-8 cloud masks) for semantic segmentation, whole patches or tiles.

S. Mohajerani, P. Saeedi, "Cloud-Net" (arXiv 1901.10077) and MMSP 2018; data:
github SorourMo/38-Cloud-A-Cloud-Segmentation-Dataset. 38-Cloud ships each
384 x 384 patch as one TIFF per band, in per-band folders::

    <data_root>/train_red/red_<patch_id>.TIF      (Landsat-8 B4, uint16 DN)
    <data_root>/train_green/green_<patch_id>.TIF  (B3)
    <data_root>/train_blue/blue_<patch_id>.TIF    (B2)
    <data_root>/train_nir/nir_<patch_id>.TIF      (B5)
    <data_root>/train_gt/gt_<patch_id>.TIF        (uint8, 255 = cloud)

(``test_*`` folders for the test scenes, which ship without ``test_gt``). The
repo's ``sample/`` folder (``shared/data/38cloud-patch``) holds one patch with all
five files in one folder: use ``band_dirs='flat'``.

Classes: 0 clear, 1 cloud (``LoadSegAnnotation(label_map={255: 1})`` in the
pipeline). Bands come out in ``bands`` order (default red, green, blue, nir).

Each sample's ``img_path`` is the list of its band files (in ``bands`` order),
read and stacked by :class:`~rszoo.datasets.transforms.LoadBandFiles`.

Tiles: with ``tile_size=s`` every patch is cut into non-overlapping ``s x s``
windows (``(H // s) * (W // s)`` per patch; each sample carries its ``window``
``(row, col, s, s)``, cut by :class:`~rszoo.datasets.transforms.CropTile` after
loading), and ``tile_split`` keeps one
part of a seeded split of all tiles: the tiles are permuted with
``numpy.random.default_rng(split_seed)`` and cut into train / val / test by
``split_ratios`` (counts rounded, test takes the rest), so the three parts are
disjoint. Tiles of one patch are neighbours: a tile split of one patch is a
pipeline check, not a fair accuracy protocol.
"""
import csv
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset

from rszoo.fileio import resolve_path
from rszoo.registry import DATASETS

TILE_SPLITS = ('train', 'val', 'test')


def split_tiles(num_tiles: int, ratios: Sequence[float], seed: int) -> Dict[str, List[int]]:
    """Seeded disjoint train/val/test index lists of ``num_tiles`` tiles.

    ``round(ratio * num_tiles)`` tiles go to train and to val (in that order of
    a ``default_rng(seed)`` permutation), the rest to test.
    """
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1) > 1e-6:
        raise ValueError(f'split_tiles: split_ratios must be 3 non-negative numbers summing to '
                         f'1 (train, val, test), got {tuple(ratios)}')
    order = np.random.default_rng(seed).permutation(num_tiles).tolist()
    n_train = int(round(ratios[0] * num_tiles))
    n_val = min(int(round(ratios[1] * num_tiles)), num_tiles - n_train)
    return dict(train=sorted(order[:n_train]), val=sorted(order[n_train:n_train + n_val]),
                test=sorted(order[n_train + n_val:]))


@DATASETS.register_module()
class Cloud38(BaseDataset):
    """38-Cloud patches or tiles of them (see the module docstring).

    Args:
        data_root (str): the 38-Cloud folder (or the flat sample folder).
        subset (str): folder prefix, ``'train'`` or ``'test'``. Defaults to ``'train'``.
        bands (sequence[str]): bands to stack, in order. Defaults to
            ``('red', 'green', 'blue', 'nir')``.
        band_dirs (dict | str, optional): folder of each band (and ``'gt'``)
            relative to ``data_root``; default ``<subset>_<band>``; ``'flat'``:
            every file in ``data_root``.
        with_gt (bool): pair each patch with its ``gt_`` mask. Defaults to True.
        patch_list (str, optional): a CSV / text file of patch names to keep
            (38-Cloud's ``training_patches_38-cloud_nonempty.csv``; first
            column, header ``name`` skipped); ids may omit the ``<band>_`` prefix.
        tile_size (int, optional): cut patches into ``s x s`` tiles.
        tile_split (str, optional): ``'train'`` | ``'val'`` | ``'test'``: keep that
            part of the tile split; None: all tiles.
        split_ratios (sequence[float]): train / val / test fractions.
            Defaults to ``(0.625, 0.1875, 0.1875)`` (10 / 3 / 3 of 16 tiles).
        split_seed (int): seed of the tile permutation. Defaults to 0.
        **kwargs: mmengine ``BaseDataset`` arguments (``pipeline``,
            ``test_mode``, ``lazy_init``, ...).
    """

    METAINFO = dict(classes=('clear', 'cloud'), palette=[[0, 0, 0], [255, 255, 255]])
    BANDS = ('red', 'green', 'blue', 'nir')
    EXTENSIONS = ('.TIF', '.tif', '.tiff', '.TIFF')

    def __init__(self,
                 data_root: str,
                 subset: str = 'train',
                 bands: Sequence[str] = BANDS,
                 band_dirs: Optional[Union[Dict[str, str], str]] = None,
                 with_gt: bool = True,
                 patch_list: Optional[str] = None,
                 tile_size: Optional[int] = None,
                 tile_split: Optional[str] = None,
                 split_ratios: Sequence[float] = (0.625, 0.1875, 0.1875),
                 split_seed: int = 0,
                 **kwargs):
        if tile_split is not None and tile_split not in TILE_SPLITS:
            raise ValueError(f'Cloud38: tile_split must be one of {TILE_SPLITS} or None, '
                             f'got {tile_split!r}')
        if tile_split is not None and tile_size is None:
            raise ValueError('Cloud38: tile_split needs tile_size')
        if tile_size is not None and tile_size < 1:
            raise ValueError(f'Cloud38: tile_size must be >= 1, got {tile_size}')
        self.subset = subset
        self.bands = tuple(bands)
        if band_dirs == 'flat':
            band_dirs = {name: '' for name in (*self.bands, 'gt')}
        self.band_dirs = {name: f'{subset}_{name}' for name in (*self.bands, 'gt')}
        self.band_dirs.update(band_dirs or {})
        self.with_gt = with_gt
        self.patch_list = patch_list
        self.tile_size = tile_size
        self.tile_split = tile_split
        self.split_ratios = tuple(split_ratios)
        self.split_seed = split_seed
        super().__init__(data_root=resolve_path(data_root), **kwargs)

    # -------------------------------------------------------------- files
    def _folder(self, name: str) -> str:
        return osp.join(self.data_root, self.band_dirs[name])

    def _file(self, name: str, patch_id: str) -> str:
        for ext in self.EXTENSIONS:
            path = osp.join(self._folder(name), f'{name}_{patch_id}{ext}')
            if osp.isfile(path):
                return path
        raise FileNotFoundError(
            f'Cloud38: no {name} file for patch {patch_id} in {self._folder(name)} '
            f'(expected {name}_{patch_id}.TIF; the 38-Cloud layout is <subset>_<band>/'
            '<band>_<patch_id>.TIF, or band_dirs="flat" for one folder)')

    def scan_patch_ids(self) -> List[str]:
        """Patch ids found in the first band's folder (sorted), or those of ``patch_list``."""
        first = self.bands[0]
        folder = self._folder(first)
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'Cloud38: folder {folder} not found. Download 38-Cloud '
                '(github SorourMo/38-Cloud-A-Cloud-Segmentation-Dataset) and set data_root to '
                'the folder holding train_red/, train_green/, ... (or band_dirs="flat")')
        if self.patch_list is not None:
            return self._read_patch_list(resolve_path(self.patch_list))
        prefix = f'{first}_'
        ids = sorted(osp.splitext(f)[0][len(prefix):] for f in os.listdir(folder)
                     if f.startswith(prefix) and f.endswith(self.EXTENSIONS))
        if not ids:
            raise FileNotFoundError(f'Cloud38: no {prefix}*.TIF files in {folder}')
        return ids

    @staticmethod
    def _read_patch_list(path: str) -> List[str]:
        if not osp.isfile(path):
            raise FileNotFoundError(f'Cloud38: patch_list {path} not found')
        with open(path, newline='') as f:
            rows = [r[0].strip() for r in csv.reader(f) if r and r[0].strip()]
        if rows and rows[0].lower() == 'name':
            rows = rows[1:]
        return [r.split('_', 1)[1] if r.split('_', 1)[0] in Cloud38.BANDS + ('gt', )
                else r for r in rows]

    @staticmethod
    def _raster_size(path: str):
        import rasterio
        with rasterio.open(path) as src:
            return src.height, src.width

    def load_data_list(self) -> List[dict]:
        """One info per patch (or tile): ``img_path`` (list, one file per band),
        ``seg_map_path``, ``patch_id`` and, for tiles, ``window``
        ``(row, col, s, s)`` and ``tile_id`` ``'<patch_id>:<r>_<c>'``."""
        infos = []
        for patch_id in self.scan_patch_ids():
            info = dict(patch_id=patch_id,
                        img_path=[self._file(b, patch_id) for b in self.bands])
            if self.with_gt:
                info['seg_map_path'] = self._file('gt', patch_id)
            if self.tile_size is None:
                infos.append(info)
                continue
            s = self.tile_size
            height, width = self._raster_size(info['img_path'][0])
            if height < s or width < s:
                raise ValueError(f'Cloud38: patch {patch_id} ({height} x {width}) is '
                                 f'smaller than tile_size={s}')
            for r in range(height // s):
                for c in range(width // s):
                    infos.append(dict(info, window=(r * s, c * s, s, s),
                                      tile_id=f'{patch_id}:{r}_{c}'))
        if self.tile_split is not None:
            keep = split_tiles(len(infos), self.split_ratios, self.split_seed)[self.tile_split]
            infos = [infos[i] for i in keep]
        return infos
