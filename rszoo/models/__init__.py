"""rszoo models: importing this package registers every model component.

Components by type (``backbones``, ``necks``, ``heads``, ``dense_heads``, ``losses``,
``data_preprocessors``, ``task_modules``, ``vae``, ``class_embeddings``, ``utils``) and
algorithms by task (``classifiers``, ``selfsup``, ``segmentors``, ``detectors``,
``anomaly_detectors``); see ``docs/architecture.md``.
"""
from . import (anomaly_detectors, backbones, class_embeddings, classifiers, data_preprocessors,
               dense_heads, detectors, heads, losses, necks, segmentors, selfsup, task_modules,
               utils, vae)
from .backbones import *  # noqa: F401,F403
from . import compression  # noqa: F401  (PIC-PQ pruning + quantisation)

__all__ = [
    'anomaly_detectors', 'backbones', 'class_embeddings', 'classifiers', 'data_preprocessors',
    'dense_heads', 'detectors', 'heads', 'losses', 'necks', 'segmentors', 'selfsup',
    'task_modules', 'utils', 'vae'
]
