"""FYH: FY-4A AGRI tiles labelled with Himawari-8 cloud types (DIAnet's data set).

DIAnet (arXiv 2401.03182); layout as the authors' ``split.py`` writes it and
``lib/datasets/cityscapes.py`` reads it (``icey-zhang/DIAnet``, ``split.py``)::

    <data_root>/mattrain/<FY4A file stem>_<k>.mat       key 'data': 100 x 100 x 14 float
    <data_root>/matmasktrain/<FY4A file stem>_<k>.mat   key 'data': 100 x 100 uint8, 0..10
    <data_root>/mattest/...   <data_root>/matmasktest/...

Image: the 14 AGRI channels (reflectance ch1-6, brightness temperature ch7-14),
each group min-max scaled to [0, 1] over the whole scene. Label: Himawari-8
CLTYPE, 11 classes (below); fill 255 was remapped to 10 (Uncertain) when the
tiles were written, so no pixel is ignored. The data set is not public; the
authors' split (10,000 train + 500 test tiles per month of 2020, a random tile
split with no val set) cannot be rebuilt (notes §6.2). ``tests/data/fyh/
generate_fyh.py`` writes tiny fake data in this layout.
"""
import os
import os.path as osp
from typing import List, Optional

from mmengine.dataset import BaseDataset

from rszoo.fileio import resolve_path
from rszoo.registry import DATASETS

#: class names, ids 0-10 (authors' ``lib/IO/fy_testdatasave.py``)
FYH_CLASSES = ('Clear', 'Ci', 'Cs', 'DC', 'Ac', 'As', 'Ns', 'Cu', 'Sc', 'St', 'Uncertain')
#: RGB colours of the authors' ``changecolor`` (split.py, given there as BGR)
FYH_PALETTE = [[0, 0, 0], [255, 204, 204], [255, 102, 102], [255, 0, 0], [204, 255, 255],
               [0, 255, 255], [0, 204, 204], [153, 153, 255], [51, 102, 255], [0, 0, 255],
               [255, 255, 255]]


@DATASETS.register_module()
class FYH(BaseDataset):
    """FYH tiles of one split (see the module docstring).

    Args:
        data_root (str): the folder holding ``mat<split>/`` and ``matmask<split>/``.
        split (str): ``'train'`` or ``'test'`` (the authors' "val" is ``test``).
        img_dir (str, optional): image folder; default ``mat<split>``.
        ann_dir (str, optional): label folder; default ``matmask<split>``.
        ann_file (str, optional): a text file of tile file names (one per
            line, the authors' ``train.txt`` / ``test.txt``) to keep; default: every
            ``.mat`` in ``img_dir``, sorted.
        **kwargs: mmengine ``BaseDataset`` arguments (``pipeline``, ...).
    """

    METAINFO = dict(classes=FYH_CLASSES, palette=FYH_PALETTE)

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 img_dir: Optional[str] = None,
                 ann_dir: Optional[str] = None,
                 ann_file: Optional[str] = None,
                 **kwargs):
        self.split = split
        self.img_dir = img_dir or f'mat{split}'
        self.ann_dir = ann_dir or f'matmask{split}'
        self.tile_list = ann_file
        super().__init__(data_root=resolve_path(data_root), **kwargs)

    def load_data_list(self) -> List[dict]:
        """``img_path`` and ``seg_map_path`` (same file name) per tile."""
        img_dir = osp.join(self.data_root, self.img_dir)
        ann_dir = osp.join(self.data_root, self.ann_dir)
        if not osp.isdir(img_dir):
            raise FileNotFoundError(
                f'FYH: image folder {img_dir} not found (expected the authors\' layout '
                f'<data_root>/mat{self.split}/ + matmask{self.split}/ with .mat tiles; '
                'python tests/data/fyh/generate_fyh.py OUT writes fake data in it)')
        if self.tile_list is not None:
            path = resolve_path(self.tile_list)
            if not osp.isfile(path):
                raise FileNotFoundError(f'FYH: ann_file {path} not found')
            with open(path) as f:
                names = [line.strip() for line in f if line.strip()]
        else:
            names = sorted(n for n in os.listdir(img_dir) if n.endswith('.mat'))
        if not names:
            raise FileNotFoundError(f'FYH: no .mat tiles in {img_dir}')
        infos = []
        for name in names:
            img_path, seg_path = osp.join(img_dir, name), osp.join(ann_dir, name)
            for path in (img_path, seg_path):
                if not osp.isfile(path):
                    raise FileNotFoundError(f'FYH: tile file {path} not found')
            infos.append(dict(img_path=img_path, seg_map_path=seg_path,
                              tile_id=osp.splitext(name)[0]))
        return infos
