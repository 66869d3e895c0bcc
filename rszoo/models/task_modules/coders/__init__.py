"""Box coders: boxes <-> regression targets."""
from .distance_point_bbox_coder import DistancePointBBoxCoder

__all__ = ['DistancePointBBoxCoder']
