"""``build_scene_ids`` (SwiMDiff's scene ids from data): regex, mapping file, geo cells, per
image.
"""
import os.path as osp

import pytest

from rszoo.datasets import build_scene_ids
from rszoo.datasets.selfsup.scene_ids import read_scene_mapping

pytestmark = pytest.mark.usefixtures('single_thread_registry')


def test_scene_ids_from_regex_mapping_geo_and_per_image(tmp_path):
    root = str(tmp_path)
    paths = [osp.join(root, p) for p in ('a/s1_r0_c0.png', 'a/s1_r0_c1.png', 'b/s2_r3_c1.png',
                                          'b/s1_r9_c9.png')]
    ids, names = build_scene_ids(paths, 'regex', root=root, pattern=r'(?P<scene>s\d+)_r\d+')
    assert ids.tolist() == [0, 0, 1, 0] and names == ['s1', 's2']
    ids, names = build_scene_ids(paths, 'regex', root=root, pattern=r'^(\w)/')  # folder
    assert ids.tolist() == [0, 0, 1, 1] and names == ['a', 'b']
    with pytest.raises(ValueError, match="does not match 'a/s1_r0_c0.png'"):
        build_scene_ids(paths, 'regex', root=root, pattern=r'tile_\d+')
    assert build_scene_ids(paths, 'image', root=root)[0].tolist() == [0, 1, 2, 3]

    mapping = tmp_path / 'scenes.csv'
    mapping.write_text('path,scene\n# comment\na/s1_r0_c0.png,north\na/s1_r0_c1.png,north\n'
                       'b/s2_r3_c1.png,south\nb/s1_r9_c9.png,east\n')
    assert read_scene_mapping(str(mapping))['b/s2_r3_c1.png'] == 'south'
    ids, names = build_scene_ids(paths, 'mapping', root=root, mapping_file=str(mapping))
    assert ids.tolist() == [0, 0, 1, 2] and names == ['north', 'south', 'east']
    with pytest.raises(ValueError, match="not in the mapping file"):
        build_scene_ids(paths + [osp.join(root, 'c/x.png')], 'mapping', root=root,
                        mapping_file=str(mapping))

    geo = tmp_path / 'geo.csv'
    geo.write_text('path,x,y\na/s1_r0_c0.png,10,10\na/s1_r0_c1.png,90,40\n'
                   'b/s2_r3_c1.png,110,10\nb/s1_r9_c9.png,-5,10\n')
    ids, names = build_scene_ids(paths, 'geo', root=root, geo_index=str(geo), cell_size=100)
    assert ids.tolist() == [0, 0, 1, 2] and names == ['0_0', '1_0', '-1_0']
    with pytest.raises(ValueError, match='cell_size > 0'):
        build_scene_ids(paths, 'geo', root=root, geo_index=str(geo), cell_size=0)
