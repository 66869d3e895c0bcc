"""Folder-per-class remote-sensing scene-classification datasets.

Every public scene-classification benchmark (AID, UC Merced, NWPU-RESISC45,
RSSCN7, WHU-RS19, PatternNet, EuroSAT) ships as one folder per class:
``<data_root>/<ClassFolder>/<image>``. :class:`RSSceneDataset` reads such a
tree, either every image of every class folder, or the images listed in a
split file (mmpretrain's ann-file convention, one ``<ClassFolder>/<file>
<label>`` per line, see ``tools/dataset_converters/make_splits.py``).

The label of an image is the position of its class folder in the dataset's
official class list (``METAINFO['classes']`` of the subclasses in this
package). Each sample is ``dict(img_path=<absolute path>, gt_label=<int>)``;
pixels are read by the pipeline (``LoadRSImage``).
"""
import logging
import os
import os.path as osp
import time
from collections import defaultdict
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dist import is_main_process
from mmengine.logging import print_log
from mmpretrain.datasets import BaseDataset
from tqdm import tqdm

from rszoo.fileio import REPO_ROOT, resolve_path
from rszoo.registry import DATASETS, TRANSFORMS
from .transforms.loading import (CorruptImageError, LoadRSImage, check_decodable,
                                 decode_image)

#: File extensions read as images (compared case-insensitively).
IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.tif', '.tiff', '.bmp')

#: How many offending paths a summary message lists.
_MAX_LISTED = 5

#: A data set with at least this many images shows a progress bar while
#: ``preload=True`` / ``on_corrupt='skip'`` decode it (rank 0 only).
PROGRESS_MIN_ITEMS = 1000


def progress(items: Sequence, desc: str) -> Iterator:
    """Iterate ``items`` with a tqdm progress bar on stderr, shown only on the
    main process and only for at least :data:`PROGRESS_MIN_ITEMS` items (a
    few seconds of decoding or more); the bar is removed when done."""
    show = len(items) >= PROGRESS_MIN_ITEMS and is_main_process()
    return iter(tqdm(items, desc=desc, total=len(items), unit='img',
                     disable=not show, leave=False, mininterval=0.5))


def is_image_file(name: str) -> bool:
    """Whether ``name`` has an image extension (case-insensitive) and is not
    a hidden file (``.DS_Store``, macOS ``._x.jpg`` resource forks)."""
    return (not name.startswith('.')
            and osp.splitext(name)[1].lower() in IMG_EXTENSIONS)


def list_image_files(folder: str) -> List[str]:
    """Sorted names of the image files directly inside ``folder``."""
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries
                      if is_image_file(e.name) and e.is_file())


def check_data_root(data_root: str, dataset_name: str = 'dataset') -> None:
    """Raise ``FileNotFoundError`` naming ``data_root`` if it is no folder."""
    if not osp.isdir(data_root):
        raise FileNotFoundError(
            f'{dataset_name}: data root {data_root} does not exist or is not '
            'a folder (it must hold one folder per class).')


def match_class_folders(data_root: str,
                        classes: Sequence[str],
                        dataset_name: str = 'dataset') -> Dict[str, str]:
    """Map each class name to its folder under ``data_root``, ignoring case
    where that is unambiguous.

    A copy of a data set may spell folders in another case than the official
    class list (a WHU-RS19 copy with ``airport/`` and ``footballfield/``).
    Such folders are used for their class and the mapping is logged once.
    Class names that differ only in case among themselves match exactly.

    Returns:
        dict[str, str]: class name -> folder name, for the classes found.

    Raises:
        ValueError: two folders match one class when case is ignored
            (``Airport/`` and ``airport/``); the message names both.
    """
    present = [e.name for e in os.scandir(data_root)
               if e.is_dir() and not e.name.startswith('.')]
    folders_by_key = defaultdict(list)
    for name in present:
        folders_by_key[name.lower()].append(name)
    class_keys = defaultdict(int)
    for name in classes:
        class_keys[name.lower()] += 1
    mapping, renamed = {}, []
    for name in classes:
        if class_keys[name.lower()] > 1:  # classes themselves differ only in case
            if name in present:
                mapping[name] = name
            continue
        candidates = sorted(folders_by_key.get(name.lower(), []))
        if len(candidates) > 1:
            raise ValueError(
                f'{dataset_name}: folders {candidates} of {data_root} all match class '
                f'{name!r} when letter case is ignored; keep one of them (merge the '
                'images into one folder).')
        if candidates:
            mapping[name] = candidates[0]
            if candidates[0] != name:
                renamed.append(f'{candidates[0]}/ -> {name!r}')
    if renamed:
        print_log(
            f'{dataset_name}: {len(renamed)} class folder(s) of {data_root} differ from '
            f'the class names only in letter case; using them: {", ".join(renamed)}',
            logger='current', level=logging.INFO)
    return mapping


def scan_class_folders(data_root: str,
                       classes: Sequence[str],
                       dataset_name: str = 'dataset'
                       ) -> List[Tuple[str, int]]:
    """List every image of every class folder under ``data_root``.

    Args:
        data_root (str): folder holding one sub-folder per class.
        classes (Sequence[str]): class folder names; the label of an image is
            the position of its folder in this list.
        dataset_name (str): used in error messages.

    Returns:
        list[tuple[str, int]]: ``(<ClassFolder>/<file name>, label)`` in class
        order, then sorted file-name order; deterministic.

    Class folders are matched ignoring letter case where unambiguous
    (:func:`match_class_folders`); the returned paths use the folder names
    on disk.

    Raises:
        FileNotFoundError: ``data_root`` is missing, or a class folder is
            missing or holds no image file.
        ValueError: two folders match one class when case is ignored.
    """
    check_data_root(data_root, dataset_name)
    mapping = match_class_folders(data_root, classes, dataset_name)
    samples = []
    for label, class_name in enumerate(classes):
        folder = osp.join(data_root, mapping.get(class_name, class_name))
        if not osp.isdir(folder):
            present = sorted(e.name for e in os.scandir(data_root) if e.is_dir())
            raise FileNotFoundError(
                f'{dataset_name}: class folder {folder} for expected class '
                f'{class_name!r} (label {label}) does not exist. Folders in '
                f'{data_root}: {present[:10]}{" ..." if len(present) > 10 else ""}')
        names = list_image_files(folder)
        if not names:
            raise FileNotFoundError(
                f'{dataset_name}: class folder {folder} for expected class '
                f'{class_name!r} holds no image file '
                f'(extensions {", ".join(IMG_EXTENSIONS)}).')
        samples.extend((f'{mapping[class_name]}/{name}', label) for name in names)
    return samples


def read_split_file(split_file: str,
                    data_root: str,
                    classes: Sequence[str],
                    dataset_name: str = 'dataset') -> List[Tuple[str, int]]:
    """Read and check a split file.

    Each non-empty line that does not start with ``#`` is
    ``<relative image path> <label index>`` (mmpretrain's ann-file format),
    the path relative to ``data_root``. The label may be left out when the
    first path component is a class folder name. A class folder spelled in
    another letter case on disk than in the file (``Airport/x.jpg`` in the
    split, ``airport/`` on disk) is mapped as in :func:`match_class_folders`.

    Returns:
        list[tuple[str, int]]: ``(relative path, label)`` in file order.

    Raises:
        FileNotFoundError: the split file is missing, or a line names an
            image that does not exist (the message names the split file,
            the line number and the image path).
        ValueError: a label is not an int, out of range, or disagrees with
            the line's class folder; or an image is listed twice.
    """
    if not osp.isfile(split_file):
        raise FileNotFoundError(
            f'{dataset_name}: split file {split_file} does not exist '
            f'(relative paths are tried against the working directory '
            f'{os.getcwd()} and the repository root {REPO_ROOT}).')
    class_to_idx = {name: i for i, name in enumerate(classes)}
    lower_to_idx = defaultdict(list)
    for i, name in enumerate(classes):
        lower_to_idx[name.lower()].append(i)

    def class_index(folder: str) -> Optional[int]:
        if folder in class_to_idx:
            return class_to_idx[folder]
        matches = lower_to_idx.get(folder.lower(), [])
        return matches[0] if len(matches) == 1 else None

    folder_map = None  # class name -> folder on disk, built on first need
    samples, seen, missing = [], {}, []
    with open(split_file, encoding='utf-8') as f:
        for line_no, raw in enumerate(f, start=1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            where = f'{dataset_name}: split file {split_file}, line {line_no}'
            parts = line.rsplit(None, 1)
            folder = line.replace('\\', '/').split('/', 1)[0]
            if len(parts) == 2 and parts[1].lstrip('+-').isdigit():
                rel_path, label = parts[0], int(parts[1])
            elif class_index(folder) is not None:
                rel_path, label = line, class_index(folder)
            else:
                raise ValueError(
                    f'{where}: expected "<image path> <label index>", got '
                    f'{line!r}.')
            if not 0 <= label < len(classes):
                raise ValueError(
                    f'{where}: label index {label} is out of range for the '
                    f'{len(classes)} classes (0..{len(classes) - 1}): {line!r}.')
            parts = rel_path.replace('\\', '/').split('/', 1)
            folder = parts[0]
            folder_label = class_index(folder)
            if folder_label is not None and folder_label != label:
                raise ValueError(
                    f'{where}: image {rel_path} is in class folder {folder!r} '
                    f'(label {folder_label}) but the line gives label '
                    f'{label} ({classes[label]!r}).')
            if rel_path in seen:
                raise ValueError(
                    f'{where}: image {rel_path} is listed twice (also line '
                    f'{seen[rel_path]}).')
            seen[rel_path] = line_no
            if not osp.isfile(osp.join(data_root, rel_path)) and folder_label is not None \
                    and len(parts) == 2:
                if folder_map is None:
                    folder_map = match_class_folders(data_root, classes, dataset_name)
                on_disk = folder_map.get(classes[folder_label])
                if on_disk is not None and on_disk != folder:
                    rel_path = f'{on_disk}/{parts[1]}'
            if not osp.isfile(osp.join(data_root, rel_path)):
                missing.append((line_no, osp.join(data_root, rel_path)))
            samples.append((rel_path, label))
    if missing:
        line_no, path = missing[0]
        more = (f' ({len(missing) - 1} more line(s) name missing images; is '
                f'data_root {data_root} right?)' if len(missing) > 1 else '')
        raise FileNotFoundError(
            f'{dataset_name}: split file {split_file}, line {line_no}: image '
            f'{path} does not exist{more}.')
    return samples


@DATASETS.register_module()
class RSSceneDataset(BaseDataset):
    """A folder-per-class scene-classification dataset.

    Layout: ``<data_root>/<ClassFolder>/<image>`` with images of any size and
    any of the extensions in :data:`IMG_EXTENSIONS` (case-insensitive).
    Subclasses fix ``METAINFO['classes']`` to a benchmark's official class
    list; the base class takes ``classes`` or, when neither is given, the
    sorted sub-folder names of ``data_root`` (torchvision ``ImageFolder``'s
    rule).

    Each sample is ``dict(img_path=<absolute path>, gt_label=<int>)``; the
    label is the position of the class folder in ``classes``.

    Args:
        data_root (str): folder that holds the class folders. A relative path
            is resolved against the working directory, then the repo root.
        split_file (str, optional): a split file with one
            ``<ClassFolder>/<file name> <label index>`` line per image,
            relative to ``data_root`` (written by
            ``tools/dataset_converters/make_splits.py``). Relative paths are
            resolved against the working directory, then the repo root.
            ``None`` reads every image of every class folder.
        pipeline (Sequence[dict | callable]): transforms, built from rszoo's
            ``TRANSFORMS`` (which falls back to mmpretrain's).
        classes (str | Sequence[str], optional): class folder names, or a
            file with one per line. Defaults to the class' official list.
        on_corrupt (str): ``'error'`` (default) decodes nothing up front, so a
            broken file raises in ``LoadRSImage`` when it is read;
            ``'skip'`` fully decodes every image at load time as the
            pipeline's ``LoadRSImage`` would (Pillow with truncated files
            raising, rasterio for GeoTIFFs), drops the unreadable ones and
            logs one summary with their count and the first few paths. The
            dropped paths are kept in :attr:`skipped_images`. A progress bar
            (tqdm, rank 0) is shown from :data:`PROGRESS_MIN_ITEMS` images.
        preload (bool): decode every image once when the dataset is built,
            with the pipeline's ``LoadRSImage`` (same settings), and keep the
            arrays in the dataset; ``LoadRSImage`` then copies instead of
            decoding. The arrays live in the main process and are shared with
            forked data-loader workers, so per-sample worker CPU drops to the
            augmentations (on a 2-core machine the workers compete with the
            compute threads; see ``benchmarks/results.md``). Costs
            H*W*C bytes per image (AID-150px: 67.5 kB, 540 MB for 8,000;
            times 2 for uint16 rasters). A progress bar as for ``'skip'``.
            Defaults to False.
        metainfo (dict, optional): extra meta information.
        **kwargs: ``indices``, ``test_mode``, ``lazy_init``,
            ``serialize_data``, ``max_refetch`` of mmpretrain's
            ``BaseDataset``.

    Class folders spelled in another letter case than ``classes``
    (``airport/`` for ``Airport``) are used for their class and the mapping
    is logged (:func:`match_class_folders`).

    Raises:
        FileNotFoundError: data root, a class folder, the split file or an
            image named in it is missing; a class folder is empty.
        ValueError: a split-file line is malformed or its label is out of
            range; ``on_corrupt`` is not ``'error'`` or ``'skip'``; the data
            set is empty (a split file without image lines, or every image
            skipped; the message names the data set and the split file); two
            folders match one class when case is ignored.
    """

    METAINFO: dict = dict()

    def __init__(self,
                 data_root: str,
                 split_file: Optional[str] = None,
                 pipeline: Sequence = (),
                 classes: Union[str, Sequence[str], None] = None,
                 on_corrupt: str = 'error',
                 preload: bool = False,
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        if on_corrupt not in ('error', 'skip'):
            raise ValueError(f"{type(self).__name__}: on_corrupt must be "
                             f"'error' or 'skip', got {on_corrupt!r}")
        for key in ('ann_file', 'data_prefix'):
            if key in kwargs:
                raise TypeError(
                    f'{type(self).__name__} takes no {key!r}; use data_root '
                    'and split_file.')
        self.on_corrupt = on_corrupt
        self.preload = preload
        self.split_file = (resolve_path(split_file)
                           if split_file is not None else None)
        self.skipped_images: List[Tuple[str, str]] = []
        data_root = resolve_path(data_root)

        if (classes is None and 'classes' not in (metainfo or {})
                and 'classes' not in self.METAINFO):
            # Generic use: the sorted sub-folders are the classes.
            check_data_root(data_root, type(self).__name__)
            classes = sorted(e.name for e in os.scandir(data_root)
                             if e.is_dir() and not e.name.startswith('.'))
            if not classes:
                raise FileNotFoundError(
                    f'{type(self).__name__}: data root {data_root} has no '
                    'class folders.')

        # Build the pipeline from rszoo's registry (mmpretrain's BaseDataset
        # would use mmpretrain's, which cannot see rszoo's LoadRSImage).
        transforms = [
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in pipeline
        ]
        super().__init__(
            ann_file=self.split_file or '',
            metainfo=metainfo,
            data_root=data_root,
            pipeline=transforms,
            classes=classes,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Scan the class folders or read the split file, check every path.

        Returns:
            list[dict]: ``dict(img_path=..., gt_label=...)`` per image.
        """
        name = type(self).__name__
        classes = self.CLASSES
        if not classes:
            raise ValueError(f'{name}: no classes given.')
        check_data_root(self.data_root, name)
        if self.split_file is None:
            samples = scan_class_folders(self.data_root, classes, name)
            self._warn_unknown_folders(classes)
        else:
            samples = read_split_file(self.split_file, self.data_root, classes,
                                      name)
        extras = self._sample_extras()
        data_list = [
            dict(img_path=osp.join(self.data_root, rel_path), gt_label=label, **extras)
            for rel_path, label in samples
        ]
        where = self.split_file or self.data_root
        if not data_list:
            what = (f'the split file {self.split_file} lists no images (only blank '
                    'or comment lines)' if self.split_file else
                    f'no images were found under {self.data_root}')
            raise ValueError(f'{name}: empty data set: {what} (data root '
                             f'{self.data_root}).')
        if self.on_corrupt == 'skip':
            data_list = self._drop_corrupt(data_list)
            if not data_list:
                raise ValueError(
                    f'{name} ({where}): empty data set: all {len(self.skipped_images)} '
                    f"images are unreadable and were skipped (on_corrupt='skip'); "
                    f'first: {self.skipped_images[0][1]}')
        if self.preload:
            self._preload_images(data_list)
        return data_list

    def _sample_extras(self) -> dict:
        """Keys added to every sample's info (e.g. ``EuroSATMS``'s band names,
        read by ``LoadRSImage``). None in the base class."""
        return {}

    def _loader(self) -> Optional[LoadRSImage]:
        """The pipeline's first ``LoadRSImage`` (None when there is none)."""
        pipeline = getattr(self, 'pipeline', None)
        for t in getattr(pipeline, 'transforms', ()):
            if isinstance(t, LoadRSImage):
                return t
        return None

    def _preload_images(self, data_list: List[dict]) -> None:
        """Decode every image into ``info['img']`` (``preload=True``)."""
        loader = self._loader()
        if loader is None:
            raise ValueError(f'{type(self).__name__}: preload=True needs a LoadRSImage '
                             'in the pipeline (it decodes with its settings).')
        start, nbytes = time.perf_counter(), 0
        for info in progress(data_list, f'{type(self).__name__}: preloading'):
            keys = {k: info[k] for k in ('img_path', 'bands', 'band_names') if k in info}
            results = loader(keys)
            info['img'] = results['img']
            if 'nodata_mask' in results:
                info['nodata_mask'] = results['nodata_mask']
            nbytes += info['img'].nbytes
        print_log(
            f'{type(self).__name__}: preloaded {len(data_list)} images '
            f'({nbytes / 2**20:.0f} MiB) in {time.perf_counter() - start:.1f} s',
            logger='current', level=logging.INFO)

    def _warn_unknown_folders(self, classes: Sequence[str]) -> None:
        known = set(classes) | {c.lower() for c in classes}
        unknown = sorted(e.name for e in os.scandir(self.data_root)
                         if e.is_dir() and not e.name.startswith('.')
                         and e.name not in known and e.name.lower() not in known)
        if unknown:
            print_log(
                f'{type(self).__name__}: ignoring {len(unknown)} folder(s) of '
                f'{self.data_root} that are not classes: {unknown[:10]}',
                logger='current', level=logging.WARNING)

    def _drop_corrupt(self, data_list: List[dict]) -> List[dict]:
        """Decode every image; keep the readable ones (``on_corrupt='skip'``).

        Files are decoded as the pipeline's ``LoadRSImage`` would (its
        ``backend``: Pillow for pictures, rasterio for GeoTIFFs)."""
        loader = self._loader()
        backend = loader.backend if loader is not None else 'auto'
        kept, skipped = [], []
        for info in progress(data_list, f'{type(self).__name__}: checking images'):
            try:
                check_decodable(info['img_path'], backend)
            except CorruptImageError as err:
                skipped.append((info['img_path'], str(err)))
                continue
            kept.append(info)
        self.skipped_images = skipped
        where = self.split_file or self.data_root
        if skipped:
            listed = '\n  '.join(p for p, _ in skipped[:_MAX_LISTED])
            more = (f'\n  ... and {len(skipped) - _MAX_LISTED} more'
                    if len(skipped) > _MAX_LISTED else '')
            print_log(
                f'{type(self).__name__} ({where}): skipped {len(skipped)} '
                f'unreadable image(s) of {len(data_list)} '
                f"(on_corrupt='skip'):\n  {listed}{more}",
                logger='current', level=logging.WARNING)
        else:
            print_log(
                f'{type(self).__name__} ({where}): all {len(data_list)} images '
                "decode (on_corrupt='skip').",
                logger='current', level=logging.INFO)
        return kept

    def class_counts(self) -> Dict[str, int]:
        """Number of samples per class name, in class order."""
        labels = self.get_gt_labels()
        counts = np.bincount(labels, minlength=len(self.CLASSES))
        return {name: int(n) for name, n in zip(self.CLASSES, counts)}

    def plot(self,
             index: int,
             prediction: Optional[int] = None,
             show_title: bool = True,
             figsize: Tuple[float, float] = (4, 4)):
        """Draw sample ``index`` with its class name (like torchgeo's
        ``plot``).

        Args:
            index (int): sample index.
            prediction (int, optional): a predicted label to show too.
            show_title (bool): write the class name(s) above the image.
            figsize (tuple): figure size in inches.

        Returns:
            matplotlib.figure.Figure: the figure, drawn on an Agg canvas (no
            GUI, no pyplot state).
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        info = self.get_data_info(index)
        image = decode_image(info['img_path'])
        if image.mode not in ('RGB', 'L'):
            image = image.convert('RGB')
        figure = Figure(figsize=figsize)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        axes.imshow(np.asarray(image),
                    cmap='gray' if image.mode == 'L' else None)
        axes.axis('off')
        if show_title:
            title = f'Label: {self.CLASSES[info["gt_label"]]}'
            if prediction is not None:
                title += f'\nPrediction: {self.CLASSES[int(prediction)]}'
            axes.set_title(title)
        figure.tight_layout()
        return figure

    def extra_repr(self) -> List[str]:
        """Lines for ``repr``: data root, split file, corrupt-file policy."""
        body = [f'Data root: \t{self.data_root}',
                f'Split file: \t{self.split_file}',
                f'On corrupt: \t{self.on_corrupt}']
        if self.skipped_images:
            body.append(f'Skipped images: \t{len(self.skipped_images)}')
        return body
