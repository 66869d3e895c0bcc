"""Scene identity of image samples: which samples were cut from one scene.

SwiMDiff (Tian et al., arXiv 2401.05093, IEEE TGRS 62, 2024) treats samples
of the same scene as false negatives of one another ("scene-wide matching").
Which samples share a scene is a fact of the data set, not of the model. This
module derives an integer scene id per sample from one of four sources:

================  ===========================================================
``'image'``       each source image is its own scene (``id = index``).
``'regex'``       a regular expression on the sample's path relative to the
                  data root (``/`` separators): the named group ``scene`` if
                  present, else group 1, else the whole match. E.g. tiles
                  ``<scene>_r<row>_c<col>.png``: ``r'([^/]+)_r\\d+_c\\d+'``.
``'mapping'``     a user file: one ``<relative path> <scene>`` per line
                  (separated by a comma, tab or spaces; ``#`` comments and a
                  ``path,scene`` header are skipped).
``'geo'``         a geo index: a CSV with a header holding ``path``, ``x``,
                  ``y`` columns (any projected units or degrees); samples in
                  the same ``cell_size x cell_size`` cell,
                  ``(floor(x / cell_size), floor(y / cell_size))``, share a
                  scene (geographic adjacency at a chosen scale).
================  ===========================================================

Scene keys (strings) become ids ``0 .. S-1`` in order of first appearance, so
ids are deterministic for a given sample order. Every path must resolve
(regex match, mapping line, geo row), else ``ValueError`` /
``FileNotFoundError`` names the path, the source file and what was expected.

Shapes: ``paths`` a sequence of ``N`` strings -> ``(ids (N,) int64 ndarray,
names list of S scene keys)``.
"""
import csv
import math
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

SCENE_SOURCES = ('image', 'regex', 'mapping', 'geo')


def relative_key(path: str, root: Optional[str] = None) -> str:
    """``path`` relative to ``root`` (when inside it), with ``/`` separators."""
    path = os.fspath(path)
    if root is not None and osp.isabs(path):
        rel = osp.relpath(path, root)
        if not rel.startswith('..'):
            path = rel
    return path.replace('\\', '/')


def encode_scene_keys(keys: Sequence[str]) -> Tuple[np.ndarray, List[str]]:
    """Map scene keys to ids ``0 .. S-1`` in order of first appearance."""
    index: Dict[str, int] = {}
    ids = np.empty(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        ids[i] = index.setdefault(str(key), len(index))
    return ids, list(index)


def scene_ids_per_image(paths: Sequence[str]) -> Tuple[np.ndarray, List[str]]:
    """Each path its own scene (duplicates share one)."""
    return encode_scene_keys([str(p) for p in paths])


def scene_ids_from_regex(paths: Sequence[str], pattern: str,
                         root: Optional[str] = None) -> Tuple[np.ndarray, List[str]]:
    """Scene key = the ``scene`` group (else group 1, else the match) of
    ``re.search(pattern, relative path)``."""
    regex = re.compile(pattern)
    keys = []
    for path in paths:
        rel = relative_key(path, root)
        match = regex.search(rel)
        if match is None:
            raise ValueError(f'scene ids: pattern {pattern!r} does not match {rel!r} '
                             f'(path {path}); every sample needs a scene')
        if 'scene' in regex.groupindex:
            key = match.group('scene')
        elif regex.groups >= 1:
            key = match.group(1)
        else:
            key = match.group(0)
        keys.append(key)
    return encode_scene_keys(keys)


def _split_line(line: str) -> List[str]:
    if ',' in line:
        return [p.strip() for p in line.split(',')]
    if '\t' in line:
        return [p.strip() for p in line.split('\t')]
    return line.rsplit(None, 1)


def read_scene_mapping(mapping_file: str) -> Dict[str, str]:
    """``{relative path: scene}`` from a mapping file (see the module docstring)."""
    if not osp.isfile(mapping_file):
        raise FileNotFoundError(f'scene ids: mapping file {mapping_file} does not exist')
    mapping: Dict[str, str] = {}
    first = True
    with open(mapping_file, encoding='utf-8') as f:
        for line_no, raw in enumerate(f, start=1):
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            parts = _split_line(line)
            if len(parts) != 2 or not parts[0] or not parts[1]:
                raise ValueError(f'scene ids: {mapping_file}, line {line_no}: expected '
                                 f'"<relative path> <scene>", got {line!r}')
            is_header = first and parts[0].lower() == 'path' and parts[1].lower() == 'scene'
            first = False
            if is_header:
                continue
            path = parts[0].replace('\\', '/')
            if path in mapping and mapping[path] != parts[1]:
                raise ValueError(f'scene ids: {mapping_file}, line {line_no}: {path} is given '
                                 f'two scenes, {mapping[path]!r} and {parts[1]!r}')
            mapping[path] = parts[1]
    return mapping


def scene_ids_from_mapping(paths: Sequence[str], mapping_file: str,
                           root: Optional[str] = None) -> Tuple[np.ndarray, List[str]]:
    """Scene key = the mapping file's scene of the sample's relative path."""
    mapping = read_scene_mapping(mapping_file)
    keys, missing = [], []
    for path in paths:
        rel = relative_key(path, root)
        if rel not in mapping:
            missing.append(rel)
            continue
        keys.append(mapping[rel])
    if missing:
        raise ValueError(f'scene ids: {len(missing)} sample(s) are not in the mapping file '
                         f'{mapping_file}, e.g. {missing[:3]} (paths are relative to '
                         f'{root})')
    return encode_scene_keys(keys)


def scene_ids_from_geo(paths: Sequence[str], geo_index: str, cell_size: float,
                       root: Optional[str] = None) -> Tuple[np.ndarray, List[str]]:
    """Scene key = the ``cell_size`` grid cell of the sample's ``(x, y)``."""
    if cell_size is None or not cell_size > 0:
        raise ValueError(f"scene ids: scene_source='geo' needs cell_size > 0, got {cell_size}")
    if not osp.isfile(geo_index):
        raise FileNotFoundError(f'scene ids: geo index {geo_index} does not exist')
    coords: Dict[str, Tuple[float, float]] = {}
    with open(geo_index, newline='', encoding='utf-8') as f:
        reader = csv.DictReader(f)
        needed = {'path', 'x', 'y'}
        if reader.fieldnames is None or not needed <= set(reader.fieldnames):
            raise ValueError(f'scene ids: geo index {geo_index} needs a header with the '
                             f'columns path, x, y; got {reader.fieldnames}')
        for row_no, row in enumerate(reader, start=2):
            try:
                coords[row['path'].strip().replace('\\', '/')] = (float(row['x']),
                                                                  float(row['y']))
            except (TypeError, ValueError) as err:
                raise ValueError(f'scene ids: geo index {geo_index}, line {row_no}: x and y '
                                 f'must be numbers, got {row}') from err
    keys, missing = [], []
    for path in paths:
        rel = relative_key(path, root)
        if rel not in coords:
            missing.append(rel)
            continue
        x, y = coords[rel]
        keys.append(f'{math.floor(x / cell_size)}_{math.floor(y / cell_size)}')
    if missing:
        raise ValueError(f'scene ids: {len(missing)} sample(s) are not in the geo index '
                         f'{geo_index}, e.g. {missing[:3]} (paths are relative to {root})')
    return encode_scene_keys(keys)


def build_scene_ids(paths: Sequence[str],
                    scene_source: str = 'image',
                    root: Optional[str] = None,
                    pattern: Optional[str] = None,
                    mapping_file: Optional[str] = None,
                    geo_index: Optional[str] = None,
                    cell_size: Optional[float] = None) -> Tuple[np.ndarray, List[str]]:
    """Dispatch on ``scene_source`` (one of :data:`SCENE_SOURCES`)."""
    if scene_source == 'image':
        return scene_ids_per_image([relative_key(p, root) for p in paths])
    if scene_source == 'regex':
        if not pattern:
            raise ValueError("scene ids: scene_source='regex' needs a pattern")
        return scene_ids_from_regex(paths, pattern, root)
    if scene_source == 'mapping':
        if not mapping_file:
            raise ValueError("scene ids: scene_source='mapping' needs a mapping_file")
        return scene_ids_from_mapping(paths, mapping_file, root)
    if scene_source == 'geo':
        if not geo_index:
            raise ValueError("scene ids: scene_source='geo' needs a geo_index CSV")
        return scene_ids_from_geo(paths, geo_index, cell_size, root)
    raise ValueError(f'scene ids: scene_source must be one of {SCENE_SOURCES}, '
                     f'got {scene_source!r}')
