"""Object detection from a COCO json and an image folder (mmdetection's
``CocoDataset`` contract, reading the json with pycocotools).

A COCO file holds ``images`` (``id``, ``file_name``, ``width``, ``height``),
``annotations`` (``image_id``, ``category_id``, ``bbox`` ``[x, y, w, h]``,
``iscrowd``) and ``categories`` (``id``, ``name``). Each data info becomes::

    dict(img_path=<data_root>/<data_prefix['img']>/<file_name>, img_id=<id>,
         height=H, width=W,
         instances=[dict(bbox=[x, y, x + w, y + h], bbox_label=k, ignore_flag=iscrowd), ...])

with ``k`` the index of the category in the ascending order of the category
ids (``metainfo['classes']`` in that order). Boxes with ``w < 1`` or ``h < 1``
are dropped (as mmdetection's ``CocoDataset``).

``split_file`` keeps a subset: a text file with one image ``file_name`` (or its
stem) per line, in any order; a name the json does not have is an error. With
``filter_empty_gt=True`` (training), images without a box are dropped.
"""
import contextlib
import io
import os.path as osp
from typing import Dict, List, Optional

from mmengine.dataset import BaseDataset

from rszoo.fileio import resolve_path
from rszoo.registry import DATASETS


def read_name_list(path: str) -> List[str]:
    """The non-empty, stripped lines of a split file (``#`` starts a comment)."""
    path = resolve_path(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'split file {path} not found (one image file name per line)')
    with open(path, encoding='utf-8') as f:
        names = [line.split('#', 1)[0].strip() for line in f]
    return [n for n in names if n]


@DATASETS.register_module()
class CocoDetectionDataset(BaseDataset):
    """Images + a COCO json (see the module docstring).

    Args:
        data_root (str): the data set folder.
        ann_file (str): the COCO json, relative to ``data_root`` (or absolute).
        data_prefix (dict): ``dict(img=<image folder relative to data_root>)``.
        split_file (str, optional): keep only the images named in this file.
        filter_empty_gt (bool): drop images without boxes. Defaults to False.
        **kwargs: mmengine ``BaseDataset`` arguments (``pipeline``,
            ``test_mode``, ``metainfo``, ``lazy_init``, ...).
    """

    METAINFO: Dict = dict(classes=())
    #: what the not-found error tells the user to do
    DOWNLOAD_HINT = ''

    def __init__(self,
                 data_root: str,
                 ann_file: str,
                 data_prefix: dict = dict(img='images'),
                 split_file: Optional[str] = None,
                 filter_empty_gt: bool = False,
                 **kwargs):
        self.split_file = split_file
        self.filter_empty_gt = filter_empty_gt
        super().__init__(data_root=resolve_path(data_root), ann_file=ann_file,
                         data_prefix=dict(data_prefix), **kwargs)

    def load_data_list(self) -> List[dict]:
        from pycocotools.coco import COCO
        name = type(self).__name__
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'{name}: annotation file {self.ann_file} not found. '
                                    f'{self.DOWNLOAD_HINT}')
        with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints its timing
            coco = COCO(self.ann_file)
        cat_ids = sorted(coco.getCatIds())
        cat_names = tuple(coco.loadCats(i)[0]['name'] for i in cat_ids)
        classes = tuple(self._metainfo.get('classes') or ())
        if classes and classes != cat_names:
            raise ValueError(f'{name}: the categories of {self.ann_file} are {cat_names} '
                             f'(ascending id), but the data set expects {classes}')
        self._metainfo['classes'] = cat_names
        self._metainfo['cat_ids'] = cat_ids
        cat2label = {cat: k for k, cat in enumerate(cat_ids)}

        images = coco.loadImgs(sorted(coco.getImgIds()))
        if self.split_file is not None:
            wanted = read_name_list(self.split_file)
            by_name = {}
            for img in images:
                by_name[img['file_name']] = img
                by_name[osp.splitext(img['file_name'])[0]] = img
            missing = [n for n in wanted if n not in by_name]
            if missing:
                raise KeyError(f'{name}: split file {self.split_file} names images that '
                               f'{self.ann_file} does not have: {missing[:5]}')
            images = [by_name[n] for n in wanted]

        img_dir = self.data_prefix.get('img') or self.data_root
        infos = []
        for img in images:
            instances = []
            for ann in coco.loadAnns(coco.getAnnIds(imgIds=[img['id']])):
                x, y, w, h = ann['bbox']
                if w < 1 or h < 1 or ann.get('ignore', False):
                    continue
                if ann['category_id'] not in cat2label:
                    raise KeyError(f'{name}: annotation {ann.get("id")} of {self.ann_file} '
                                   f'has category {ann["category_id"]} not in {cat_ids}')
                instances.append(dict(bbox=[x, y, x + w, y + h],
                                      bbox_label=cat2label[ann['category_id']],
                                      ignore_flag=int(ann.get('iscrowd', 0))))
            if self.filter_empty_gt and not any(not i['ignore_flag'] for i in instances):
                continue
            infos.append(dict(img_path=osp.join(img_dir, img['file_name']), img_id=img['id'],
                              height=img['height'], width=img['width'],
                              instances=instances))
        return infos
