"""Cut a sample's tile out of its loaded image and label map.

Tiled data sets (:class:`~rszoo.datasets.Cloud38` with ``tile_size``) give
each sample a ``window`` ``(row, col, height, width)`` in the source patch; after
the whole patch is loaded (``LoadBandFiles``, ``LoadSegAnnotation``) this
transform crops the image and every map in ``seg_fields`` to it, so the mask
always moves with the image. A 384 x 384 x 4 ``uint16`` patch is 1.2 MB, so
reading it whole per tile costs little.
"""
from mmcv.transforms import BaseTransform

from rszoo.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CropTile(BaseTransform):
    """Crop ``img``, the ``seg_fields`` maps and ``nodata_mask`` to ``results['window']``.

    Required keys: ``img``; ``window`` ``(row, col, height, width)`` (a sample
    without ``window`` passes through unchanged). Modified keys: ``img``,
    ``gt_seg_map`` (and any other ``seg_fields``), ``nodata_mask``,
    ``img_shape``, ``ori_shape`` (the tile's ``(height, width)``).
    """

    def transform(self, results: dict) -> dict:
        window = results.get('window')
        if window is None:
            return results
        row, col, height, width = (int(v) for v in window)
        img = results['img']
        if row < 0 or col < 0 or row + height > img.shape[0] or col + width > img.shape[1]:
            raise ValueError(f'CropTile: window (row={row}, col={col}, height={height}, '
                             f'width={width}) is not inside the {img.shape[0]} x {img.shape[1]} '
                             f'image {results.get("img_path")}')
        rows, cols = slice(row, row + height), slice(col, col + width)
        results['img'] = img[rows, cols].copy()
        for key in (*results.get('seg_fields', []), 'nodata_mask'):
            if results.get(key) is not None:
                if results[key].shape[:2] != img.shape[:2]:
                    raise ValueError(f'CropTile: {key} {results[key].shape[:2]} and img '
                                     f'{img.shape[:2]} differ in size ({results.get("img_path")})')
                results[key] = results[key][rows, cols].copy()
        results['img_shape'] = (height, width)
        results['ori_shape'] = (height, width)
        return results
