"""rszoo: an OpenMMLab-style model zoo for remote-sensing image understanding."""
import warnings

# B5 (stack-notes.md): mmcv-lite has no compiled ops and says so on every import of
# mmcv.cnn; rszoo uses torchvision.ops instead, so the warning carries no news.
warnings.filterwarnings('ignore', message='Fail to import ``MultiScaleDeformableAttention``')

from .version import __version__  # noqa: E402
from .utils.compat import skip_mmpretrain_multimodal  # noqa: E402

# B10 (rszoo/utils/compat.py): before any rszoo module imports mmpretrain.models
skip_mmpretrain_multimodal()


def list_models(pattern=None):
    """Names of the models in rszoo's model-index (see :mod:`rszoo.apis`)."""
    from .apis import list_models as _list_models
    return _list_models(pattern)


def get_model(name, pretrained=False, **kwargs):
    """Build a model by its model-index name (see :mod:`rszoo.apis`)."""
    from .apis import get_model as _get_model
    return _get_model(name, pretrained=pretrained, **kwargs)


__all__ = ['__version__', 'list_models', 'get_model']
