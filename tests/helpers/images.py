"""Writing small test images."""
import os
import os.path as osp

from PIL import Image


def save_image(path, size=(8, 6), color=(200, 100, 50), mode='RGB', fmt=None):
    """Write a solid-colour image; ``size`` is (width, height)."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    Image.new(mode, size, color).save(path, format=fmt)
    return path
