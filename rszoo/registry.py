"""rszoo's registries: children of mmpretrain's.

Each registry below has mmpretrain's registry of the same kind as ``parent`` and
rszoo's own package as ``locations``, so a config with ``default_scope='rszoo'``
finds rszoo's components first and falls back to mmpretrain's (``ResNet``,
``VisionTransformer``, ``CrossEntropyLoss``, ``Accuracy``, ...) and, through
mmpretrain, mmengine's. ``mmpretrain.ResNet`` always names mmpretrain's copy.

``CLASS_EMBEDDINGS`` (class side information for zero-shot learning: word,
sentence, knowledge-graph, attribute and CLIP text embeddings of class names)
is a root registry of rszoo's own: mmpretrain has no such kind.
"""
from mmengine.registry import Registry
from mmpretrain.registry import DATA_SAMPLERS as MMPRETRAIN_DATA_SAMPLERS
from mmpretrain.registry import DATASETS as MMPRETRAIN_DATASETS
from mmpretrain.registry import EVALUATORS as MMPRETRAIN_EVALUATORS
from mmpretrain.registry import HOOKS as MMPRETRAIN_HOOKS
from mmpretrain.registry import LOG_PROCESSORS as MMPRETRAIN_LOG_PROCESSORS
from mmpretrain.registry import LOOPS as MMPRETRAIN_LOOPS
from mmpretrain.registry import METRICS as MMPRETRAIN_METRICS
from mmpretrain.registry import MODEL_WRAPPERS as MMPRETRAIN_MODEL_WRAPPERS
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMPRETRAIN_OPTIM_WRAPPER_CONSTRUCTORS
from mmpretrain.registry import OPTIM_WRAPPERS as MMPRETRAIN_OPTIM_WRAPPERS
from mmpretrain.registry import OPTIMIZERS as MMPRETRAIN_OPTIMIZERS
from mmpretrain.registry import PARAM_SCHEDULERS as MMPRETRAIN_PARAM_SCHEDULERS
from mmpretrain.registry import RUNNERS as MMPRETRAIN_RUNNERS
from mmpretrain.registry import TRANSFORMS as MMPRETRAIN_TRANSFORMS
from mmpretrain.registry import VISBACKENDS as MMPRETRAIN_VISBACKENDS
from mmpretrain.registry import VISUALIZERS as MMPRETRAIN_VISUALIZERS
from mmpretrain.registry import WEIGHT_INITIALIZERS as MMPRETRAIN_WEIGHT_INITIALIZERS
from mmpretrain.registry import BATCH_AUGMENTS as MMPRETRAIN_BATCH_AUGMENTS
from mmpretrain.registry import TASK_UTILS as MMPRETRAIN_TASK_UTILS

RUNNERS = Registry('runner', parent=MMPRETRAIN_RUNNERS, locations=['rszoo.engine'])
LOOPS = Registry('loop', parent=MMPRETRAIN_LOOPS, locations=['rszoo.engine'])
HOOKS = Registry('hook', parent=MMPRETRAIN_HOOKS, locations=['rszoo.engine'])
LOG_PROCESSORS = Registry(
    'log processor', parent=MMPRETRAIN_LOG_PROCESSORS, locations=['rszoo.engine'])
OPTIMIZERS = Registry('optimizer', parent=MMPRETRAIN_OPTIMIZERS, locations=['rszoo.engine'])
OPTIM_WRAPPERS = Registry(
    'optim_wrapper', parent=MMPRETRAIN_OPTIM_WRAPPERS, locations=['rszoo.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMPRETRAIN_OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['rszoo.engine'])
PARAM_SCHEDULERS = Registry(
    'parameter scheduler', parent=MMPRETRAIN_PARAM_SCHEDULERS, locations=['rszoo.engine'])

DATASETS = Registry('dataset', parent=MMPRETRAIN_DATASETS, locations=['rszoo.datasets'])
DATA_SAMPLERS = Registry(
    'data sampler', parent=MMPRETRAIN_DATA_SAMPLERS, locations=['rszoo.datasets'])
TRANSFORMS = Registry(
    'transform', parent=MMPRETRAIN_TRANSFORMS, locations=['rszoo.datasets.transforms'])

MODELS = Registry('model', parent=MMPRETRAIN_MODELS, locations=['rszoo.models'])
MODEL_WRAPPERS = Registry(
    'model_wrapper', parent=MMPRETRAIN_MODEL_WRAPPERS, locations=['rszoo.models'])
WEIGHT_INITIALIZERS = Registry(
    'weight initializer', parent=MMPRETRAIN_WEIGHT_INITIALIZERS, locations=['rszoo.models'])
BATCH_AUGMENTS = Registry(
    'batch augment', parent=MMPRETRAIN_BATCH_AUGMENTS, locations=['rszoo.models'])
TASK_UTILS = Registry('task util', parent=MMPRETRAIN_TASK_UTILS, locations=['rszoo.models'])

METRICS = Registry('metric', parent=MMPRETRAIN_METRICS, locations=['rszoo.evaluation'])
EVALUATORS = Registry('evaluator', parent=MMPRETRAIN_EVALUATORS, locations=['rszoo.evaluation'])

VISUALIZERS = Registry(
    'visualizer', parent=MMPRETRAIN_VISUALIZERS, locations=['rszoo.engine'])
VISBACKENDS = Registry(
    'vis_backend', parent=MMPRETRAIN_VISBACKENDS, locations=['rszoo.engine'])

CLASS_EMBEDDINGS = Registry('class embedding', locations=['rszoo.models.class_embeddings'])
