"""A dataset wrapper that records which scene each sample comes from and can
cut each image into a grid of (overlapping) tiles of one scene.

For SwiMDiff's scene-wide matching (Tian et al., arXiv 2401.05093, IEEE TGRS
62, 2024): same-scene samples are false negatives of one another, so every
sample must carry a ``scene_id``. :class:`SceneTileDataset` wraps any image
data set (e.g. ``AID``) whose own pipeline loads the image
(``[LoadRSImage]``) and

1. gives each source image a scene id (:func:`~rszoo.datasets.selfsup.scene_ids.
   build_scene_ids`: each image its own scene, a regex on the file name, a
   user mapping file, or a geo index; see :mod:`rszoo.datasets.selfsup.scene_ids`);
2. optionally cuts each source image into a ``rows x cols`` grid of square
   tiles of ``tile_size`` px, spread evenly from edge to edge (overlapping
   when ``rows * tile_size > H``): tile ``(r, c)`` has its top-left corner at
   ``(round(r (H - s) / (rows - 1)), round(c (W - s) / (cols - 1)))`` (centred
   when ``rows`` or ``cols`` is 1). Every tile of an image is a sample with
   the image's scene id: the "geographically adjacent crops of one scene"
   the paper's false negatives are;
3. runs its own ``pipeline`` (e.g. ``MultiView`` + ``PackInputs(algorithm_keys=
   ('scene_id', ))``) on each tile, so ``data_sample.scene_id`` reaches the
   loss.

Sample ``i`` is tile ``i % T`` of source image ``i // T`` (``T = rows * cols``);
its info adds ``scene_id`` (int), ``tile_index``, ``source_index``,
``tile_box`` ``(x1, y1, x2, y2)`` and ``sample_idx = i`` to the source image's
info. :meth:`get_scene_ids` returns the ``(len,)`` scene ids (for
:class:`~rszoo.datasets.samplers.SceneGroupedSampler`).

Shapes: source ``img`` ``(H, W, C)`` -> tile ``(s, s, C)`` (``s = tile_size``;
the whole image when ``tile_grid=(1, 1)`` and ``tile_size=None``).
"""
import copy
import logging
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import Compose
from mmengine.dataset.base_dataset import force_full_init
from mmengine.logging import print_log

from rszoo.registry import DATASETS, TRANSFORMS
from .scene_ids import SCENE_SOURCES, build_scene_ids


@DATASETS.register_module()
class SceneTileDataset:
    """Wrap an image data set: scene id per sample, optional tiling.

    Args:
        dataset (dict | BaseDataset): the source data set; its pipeline must
            produce ``img`` (``[dict(type='LoadRSImage')]``; with
            ``preload=True`` the decoded images are copied, not re-read).
        pipeline (Sequence[dict | callable]): transforms run on each tile.
        scene_source (str): ``'image'`` | ``'regex'`` | ``'mapping'`` | ``'geo'``.
        pattern (str, optional): the regex (``scene_source='regex'``).
        mapping_file (str, optional): path -> scene file (``'mapping'``).
        geo_index (str, optional): CSV with ``path,x,y`` (``'geo'``).
        cell_size (float, optional): geo cell size (``'geo'``).
        tile_grid (tuple[int, int]): ``(rows, cols)``. Defaults to ``(1, 1)``.
        tile_size (int, optional): tile side in px; None = the whole image
            for ``(1, 1)``, else required.
        lazy_init (bool): defer reading the source data set to ``full_init``.
    """

    def __init__(self,
                 dataset: Union[dict, object],
                 pipeline: Sequence = (),
                 scene_source: str = 'image',
                 pattern: Optional[str] = None,
                 mapping_file: Optional[str] = None,
                 geo_index: Optional[str] = None,
                 cell_size: Optional[float] = None,
                 tile_grid: Tuple[int, int] = (1, 1),
                 tile_size: Optional[int] = None,
                 lazy_init: bool = False):
        if scene_source not in SCENE_SOURCES:
            raise ValueError(f'SceneTileDataset: scene_source must be one of {SCENE_SOURCES}, '
                             f'got {scene_source!r}')
        tile_grid = tuple(int(v) for v in tile_grid)
        if len(tile_grid) != 2 or min(tile_grid) < 1:
            raise ValueError(f'SceneTileDataset: tile_grid must be (rows, cols) >= 1, '
                             f'got {tile_grid}')
        if tile_size is None and tile_grid != (1, 1):
            raise ValueError(f'SceneTileDataset: tile_grid={tile_grid} needs a tile_size (px)')
        if tile_size is not None and tile_size < 1:
            raise ValueError(f'SceneTileDataset: tile_size must be >= 1, got {tile_size}')
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.pipeline = Compose([TRANSFORMS.build(t) if isinstance(t, dict) else t
                                 for t in pipeline])
        self.scene_source = scene_source
        self.scene_kwargs = dict(pattern=pattern, mapping_file=mapping_file,
                                 geo_index=geo_index, cell_size=cell_size)
        self.tile_grid = tile_grid
        self.tile_size = tile_size
        self.source_scene_ids: Optional[np.ndarray] = None
        self.scene_names: List[str] = []
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    # ------------------------------------------------------------------ set-up
    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(getattr(self.dataset, 'metainfo', {}))

    @property
    def tiles_per_image(self) -> int:
        return self.tile_grid[0] * self.tile_grid[1]

    def full_init(self) -> None:
        """Initialise the source data set and compute the scene ids."""
        if self._fully_initialized:
            return
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()
        n = len(self.dataset)
        paths = [self.dataset.get_data_info(i)['img_path'] for i in range(n)]
        root = getattr(self.dataset, 'data_root', None) or None
        self.source_scene_ids, self.scene_names = build_scene_ids(
            paths, self.scene_source, root=root, **self.scene_kwargs)
        self._fully_initialized = True
        print_log(f'SceneTileDataset: {n} images, {len(self.scene_names)} scenes '
                  f"(scene_source='{self.scene_source}'), {self.tiles_per_image} tile(s) "
                  f'per image: {len(self)} samples', logger='current', level=logging.INFO)

    @property
    def num_scenes(self) -> int:
        self.full_init()
        return len(self.scene_names)

    @force_full_init
    def __len__(self) -> int:
        return len(self.dataset) * self.tiles_per_image

    @force_full_init
    def get_scene_ids(self) -> np.ndarray:
        """``(len(self),)`` int64 scene id of every sample."""
        return np.repeat(self.source_scene_ids, self.tiles_per_image)

    # ------------------------------------------------------------------ tiles
    def tile_box(self, tile_index: int, height: int, width: int) -> Tuple[int, int, int, int]:
        """``(x1, y1, x2, y2)`` of tile ``tile_index`` in an ``H x W`` image."""
        rows, cols = self.tile_grid
        if self.tile_size is None:
            return 0, 0, width, height
        s = self.tile_size
        if s > height or s > width:
            raise ValueError(f'SceneTileDataset: tile_size={s} exceeds the image size '
                             f'{height}x{width}')
        r, c = divmod(tile_index, cols)
        y1 = round(r * (height - s) / (rows - 1)) if rows > 1 else (height - s) // 2
        x1 = round(c * (width - s) / (cols - 1)) if cols > 1 else (width - s) // 2
        return x1, y1, x1 + s, y1 + s

    def _locate(self, idx: int) -> Tuple[int, int]:
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise IndexError(f'SceneTileDataset: index {idx} out of range ({len(self)} samples)')
        return divmod(idx, self.tiles_per_image)

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """The source image's info plus ``scene_id``, ``tile_index``,
        ``source_index`` and ``sample_idx`` (no pixels are read)."""
        source, tile = self._locate(idx)
        info = dict(self.dataset.get_data_info(source))
        info.pop('img', None)
        info.update(scene_id=int(self.source_scene_ids[source]), tile_index=tile,
                    source_index=source, sample_idx=idx)
        return info

    def __getitem__(self, idx: int) -> dict:
        self.full_init()
        source, tile = self._locate(idx)
        results = self.dataset[source]
        if not isinstance(results, dict) or 'img' not in results:
            raise KeyError(f'SceneTileDataset: source sample {source} has no "img" after the '
                           "source data set's pipeline; give it [dict(type='LoadRSImage')]")
        img = results['img']
        x1, y1, x2, y2 = self.tile_box(tile, img.shape[0], img.shape[1])
        if (x1, y1, x2, y2) != (0, 0, img.shape[1], img.shape[0]):
            img = np.ascontiguousarray(img[y1:y2, x1:x2])
        results.update(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2],
                       scene_id=int(self.source_scene_ids[source]), tile_index=tile,
                       source_index=source, tile_box=(x1, y1, x2, y2), sample_idx=idx)
        return self.pipeline(results)

    def __repr__(self) -> str:
        samples = len(self) if self._fully_initialized else '?'
        return (f'{type(self).__name__}(source={type(self.dataset).__name__}, '
                f'scene_source={self.scene_source!r}, tile_grid={self.tile_grid}, '
                f'tile_size={self.tile_size}, samples={samples})')
