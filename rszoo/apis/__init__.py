"""rszoo's public APIs: the model zoo by name, verified weight downloads, and
inference (config + checkpoint or model-index name -> top-k classes)."""
from .download import (CheckpointDownloadError, CheckpointHashError,
                       apply_mirror, download_checkpoint, get_cache_dir,
                       sha256_file)
from .inference import ImageClassificationInferencer, inference_model
from .model_zoo import (CheckpointLoadError, CheckpointMismatchError,
                        CollectionInfo, ModelIndex, ModelIndexError,
                        ModelIndexNotFoundError, ModelInfo,
                        NoPublishedWeightsError, UnknownModelError,
                        find_model_index, get_model, get_model_info,
                        list_models, load_model_index, load_state_dict_strict,
                        read_checkpoint)

__all__ = [
    'CheckpointDownloadError', 'CheckpointHashError', 'CheckpointLoadError',
    'CheckpointMismatchError', 'CollectionInfo', 'ImageClassificationInferencer', 'ModelIndex',
    'ModelIndexError', 'ModelIndexNotFoundError', 'ModelInfo',
    'NoPublishedWeightsError', 'UnknownModelError', 'apply_mirror',
    'download_checkpoint', 'find_model_index', 'get_cache_dir', 'get_model',
    'get_model_info', 'inference_model', 'list_models', 'load_model_index',
    'load_state_dict_strict', 'read_checkpoint', 'sha256_file'
]
