"""Fixes for the known breakages of rszoo's pinned stack, one function each.

The stack (torch 2.14, mmengine 0.10.7, mmpretrain 1.2.0, numpy 2.4, setuptools<82)
breaks in a few places; each was measured on this kind of machine
(``shared/measurements/stack-notes.md``). Every fix lives here, is applied by
:func:`apply_stack_fixes` (called from ``rszoo.utils.register_all_modules``), and
has its own test in ``tests/test_utils/test_compat.py``.

=====  ===========================================  ==========================================
 id    breakage                                     fix here
=====  ===========================================  ==========================================
 B1    torch>=2.6 ``weights_only=True`` refuses      :func:`allow_mmengine_checkpoint_globals`
       mmengine's resume checkpoints (HistoryBuffer,  allow-lists exactly the globals mmengine
       numpy scalars in ``message_hub``)             writes; downloads stay ``weights_only=True``
 B2    setuptools>=82 has no ``pkg_resources``       ``setuptools<82`` pinned in ``setup.py``;
       (``mmpretrain::`` bases, ``mmengine.hub``)    rszoo's configs never use ``mmpretrain::``
                                                     bases (checked by the test)
 B3    ``import os`` in a config fails on py3.11     configs use ``'{{$VAR:default}}'``
                                                     (checked by the test)
 B4    numpy>=2.4 removed ``np.in1d``                rszoo's metrics use ``np.isin``; mmpretrain's
                                                     retrieval metrics are not used
 B6    CPU DDP: mmengine's pytorch launcher calls    :func:`init_cpu_distributed` starts gloo
       ``torch.cuda.set_device``                     first and makes DDP ``device_ids=None``
 B7    model-index only under ``<pkg>/.mim``         :func:`rszoo.apis.model_zoo.find_model_index`
       (absent in editable installs)                 (env var, package, repo root)
 B8    a child registry misses ``ResNet`` until      :func:`import_mmpretrain_modules`
       ``mmpretrain.models`` is imported
 B9    numpy>=2: mmcv's ``adjust_hue`` raises         :func:`fix_mmcv_adjust_hue` rotates the
       ``OverflowError`` for every negative hue      hue channel by ``int(f * 255) mod 256``,
       factor (``np.uint8(-25)``), so MoCo v2's      what numpy<2's uint8 cast did; positive
       ``ColorJitter(hue=0.1)`` fails on half the    factors go to mmcv's own function
       images
 B10   transformers>=5 (sentence-transformers 6)     :func:`skip_mmpretrain_multimodal` turns
       with pycocotools installed: mmpretrain        mmpretrain's ``WITH_MULTIMODAL`` off before
       imports its BLIP/LLaVA models, which need     ``mmpretrain.models`` is imported: those
       transformers 4 names (``apply_chunking_to_    models become mmpretrain's own "needs extra
       forward``): ``TypeError: NoneType takes no    dependencies" placeholders; rszoo uses none
       arguments`` on ``import mmpretrain.models``
 B11   an ``http(s)://`` ``init_cfg`` checkpoint,     :func:`route_checkpoint_loading` registers
       ``load_from`` or ``--checkpoint`` goes to      :func:`load_from_http` for ``http(s)://``
       ``torch.hub.load_state_dict_from_url``:        (also used by ``torchvision://``,
       unpickled with ``weights_only=False``, no      ``open-mmlab://``): rszoo's verified
       hash check                                    download (cache, SHA-256, mirror), then
                                                     ``weights_only=True``
 B12   a file that is not a checkpoint gives          :func:`load_from_local` (mmengine's local
       torch's message suggesting                    scheme) raises
       ``weights_only=False``                        :class:`~rszoo.apis.CheckpointLoadError`
                                                     naming the file and what was expected
=====  ===========================================  ==========================================
"""
import os
import re

import torch
import torch.distributed as torch_dist


def allow_mmengine_checkpoint_globals() -> list:
    """B1: allow-list the globals mmengine puts into its own checkpoints.

    mmengine saves ``message_hub`` (with :class:`HistoryBuffer` and numpy arrays
    and scalars) in every resume checkpoint; torch>=2.6 loads with
    ``weights_only=True`` and refuses them. Only these named classes and numpy
    reconstruction functions are allowed, never arbitrary code
    (no ``weights_only=False``).

    Returns:
        list: the globals that were added.
    """
    import numpy as np
    from mmengine.logging import HistoryBuffer

    allowed = [HistoryBuffer, np.ndarray, np.dtype]
    multiarray = getattr(np, '_core', np.core).multiarray
    allowed += [multiarray._reconstruct, multiarray.scalar]
    # numpy >= 1.25 pickles dtypes as instances of ``numpy.dtypes.*DType``.
    allowed += [
        getattr(np.dtypes, name) for name in dir(np.dtypes)
        if name.endswith('DType')
    ]
    torch.serialization.add_safe_globals(allowed)
    _pickle_history_buffers_without_default_methods()
    return allowed


_DEFAULT_STATISTICS = ('min', 'max', 'current', 'mean')


def _pickle_history_buffers_without_default_methods() -> None:
    """B1, writing side: keep ``getattr`` out of rszoo's checkpoints.

    ``HistoryBuffer.__getstate__`` pickles its statistics methods, and a
    method pickles as ``getattr(HistoryBuffer, 'min')``; allow-listing the
    builtin ``getattr`` would let a crafted file reach any attribute of any
    allowed class. ``HistoryBuffer.__init__`` registers the four default
    methods again in every process, so they need not be in the file; only
    methods a user registered are kept (and those still need ``getattr``).
    """
    from mmengine.logging import HistoryBuffer
    if getattr(HistoryBuffer.__getstate__, '_rszoo_patched', False):
        return

    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k != 'statistics_methods'}
        custom = {k: v for k, v in self._statistics_methods.items()
                  if k not in _DEFAULT_STATISTICS}
        if custom:
            state['statistics_methods'] = custom
        return state

    __getstate__._rszoo_patched = True
    HistoryBuffer.__getstate__ = __getstate__


def skip_mmpretrain_multimodal() -> bool:
    """B10: keep mmpretrain from importing its transformers-4 multimodal models.

    mmpretrain 1.2.0 imports BLIP, LLaVA, ... whenever ``pycocotools`` and
    ``transformers>=4.28`` are installed; under transformers 5 (required by
    sentence-transformers 6) those modules fail at import. Setting
    ``WITH_MULTIMODAL = False`` first makes mmpretrain register its own
    placeholders for them instead. Returns whether the switch was needed.
    """
    import sys
    from importlib import metadata

    from mmengine.utils import digit_version
    try:
        version = metadata.version('transformers')
    except metadata.PackageNotFoundError:
        return False
    if digit_version(version) < digit_version('5.0.0'):
        return False
    if 'mmpretrain.models.multimodal' in sys.modules:
        return False
    import mmpretrain.utils.dependency as dependency
    dependency.WITH_MULTIMODAL = False
    return True


def import_mmpretrain_modules() -> None:
    """B8: import mmpretrain's modules so its registries are filled.

    A child registry of mmpretrain's ``MODELS`` only falls back to the parent's
    entries that exist, and those are registered at import time.
    """
    import mmpretrain.datasets  # noqa: F401
    import mmpretrain.engine  # noqa: F401
    import mmpretrain.evaluation  # noqa: F401
    import mmpretrain.models  # noqa: F401
    import mmpretrain.structures  # noqa: F401
    import mmpretrain.visualization  # noqa: F401


def init_cpu_distributed(cfg, launcher: str) -> bool:
    """B6: start a gloo process group for a CPU-only distributed run.

    mmengine's ``pytorch`` launcher calls ``torch.cuda.set_device`` and fails
    without a GPU. When no GPU is present this starts the process group with
    gloo from torchrun's environment (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``,
    ``MASTER_PORT``) before the Runner is built, so the Runner's own
    ``init_dist`` is skipped, and sets DDP's ``device_ids=None`` (CPU modules).

    Args:
        cfg (mmengine.Config): the run's config; ``model_wrapper_cfg`` is set.
        launcher (str): the ``--launcher`` value.

    Returns:
        bool: whether this function started the process group.
    """
    if launcher != 'pytorch' or torch.cuda.is_available():
        return False
    missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
               if k not in os.environ]
    if missing:
        raise RuntimeError(
            f'--launcher pytorch needs the torchrun environment variables '
            f'{missing}; start the run with tools/dist_train.sh or torchrun.')
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return True


def fix_mmcv_adjust_hue() -> None:
    """B9: replace ``mmcv.adjust_hue`` (and its aliases) by a version that
    accepts negative hue factors under numpy>=2 (idempotent).

    mmcv adds ``np.uint8(hue_factor * 255)`` to the uint8 hue channel and relies
    on numpy<2 wrapping the negative value; numpy>=2 raises instead. For a
    factor ``f < 0`` the hue channel (OpenCV's ``HSV_FULL``: 0-255 per turn, or
    Pillow's HSV for ``backend='pillow'``) is rotated by ``int(f * 255) mod
    256`` here; ``f >= 0`` calls mmcv's original unchanged.
    """
    import mmcv
    import mmcv.image
    import mmcv.image.photometric as photometric
    original = photometric.adjust_hue
    if getattr(original, '_rszoo_b9', False):
        return

    def adjust_hue(img, hue_factor: float, backend=None):
        if not -0.5 <= hue_factor <= 0.5:
            raise ValueError(f'The hue_factor should be in [-0.5, 0.5], got {hue_factor}')
        if hue_factor >= 0:
            return original(img, hue_factor, backend=backend)
        import cv2
        import numpy as np
        shift = int(hue_factor * 255) % 256
        backend = backend or mmcv.image.io.imread_backend
        if backend == 'pillow':
            from PIL import Image
            pil = Image.fromarray(img[..., ::-1], mode='RGB')
            h, s, v = pil.convert('HSV').split()
            h = Image.fromarray(((np.array(h, dtype=np.uint16) + shift) % 256).astype(np.uint8),
                                'L')
            return np.array(Image.merge('HSV', (h, s, v)).convert('RGB'),
                            dtype=img.dtype)[..., ::-1]
        dtype = img.dtype
        h, s, v = cv2.split(cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_BGR2HSV_FULL))
        h = ((h.astype(np.uint16) + shift) % 256).astype(np.uint8)
        return cv2.cvtColor(cv2.merge([h, s, v]), cv2.COLOR_HSV2BGR_FULL).astype(dtype)

    adjust_hue._rszoo_b9 = True
    adjust_hue.__doc__ = original.__doc__
    photometric.adjust_hue = adjust_hue
    mmcv.image.adjust_hue = adjust_hue
    mmcv.adjust_hue = adjust_hue


_EXPECTED_CHECKPOINT = ('expected a PyTorch checkpoint written by torch.save: a state_dict '
                        '(parameter name -> tensor) or an mmengine checkpoint dict with '
                        '"state_dict" (and "meta", "optimizer", ...)')


def _checkpoint_load_error(message: str):
    from rszoo.apis.model_zoo import CheckpointLoadError
    return CheckpointLoadError(message)


def load_from_local(filename, map_location=None) -> dict:
    """B12: mmengine's local checkpoint loader, with rszoo's errors.

    Reads ``filename`` with ``torch.load(weights_only=True)`` (the B1
    allow-list admits mmengine's resume checkpoints). Anything else is a
    :class:`~rszoo.apis.CheckpointLoadError` that names the file and says
    what was expected, never torch's advice to set ``weights_only=False``.

    Raises:
        FileNotFoundError: no such file.
        CheckpointLoadError: not a torch checkpoint (text, ``.npy``, empty or
            truncated file), a pickle with objects rszoo does not unpickle,
            or a torch file that does not hold a dict.
    """
    filename = os.path.expanduser(os.fspath(filename))
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'checkpoint file {filename} does not exist.')
    try:
        checkpoint = torch.load(filename, map_location=map_location, weights_only=True)
    except OSError:
        raise
    except Exception as error:  # torch raises many types for foreign files
        text = str(error)
        refused = re.search(r'Unsupported global: GLOBAL (\S+)', text)
        if refused:
            raise _checkpoint_load_error(
                f'{filename} holds a pickled {refused.group(1)}, which rszoo does not '
                f'unpickle; {_EXPECTED_CHECKPOINT}, holding only tensors and plain '
                'data.') from None
        found = re.search(r'WeightsUnpickler error:\s*(.*?)\s*(Check the documentation|$)',
                          text, re.S)
        reason = found.group(1) if found else (text or 'empty or truncated file')
        raise _checkpoint_load_error(
            f'{filename} is not a PyTorch checkpoint ({type(error).__name__}: '
            f'{reason.strip()[:200]}); {_EXPECTED_CHECKPOINT}.') from None
    if not isinstance(checkpoint, dict):
        raise _checkpoint_load_error(
            f'{filename} holds a {type(checkpoint).__name__}; {_EXPECTED_CHECKPOINT}.')
    return checkpoint


def load_from_http(filename, map_location=None, model_dir=None, progress=None) -> dict:
    """B11: load an ``http(s)://`` checkpoint through rszoo's verified download.

    :func:`rszoo.apis.download.download_checkpoint` puts the file in rszoo's
    cache (``$RSZOO_HOME/checkpoints`` or torch hub's), checks the SHA-256
    the ``-<hash>.pth`` name carries (or warns that none is known) and honours
    ``$RSZOO_WEIGHTS_MIRROR``; the file is then read by
    :func:`load_from_local` (``weights_only=True``). In a distributed run
    rank 0 downloads first, the other ranks then find it in the cache.
    ``model_dir`` and ``progress`` are mmengine's ``load_from_http``
    arguments (a cache folder, a progress bar).
    """
    from mmengine.dist import get_dist_info

    from rszoo.apis.download import download_checkpoint

    def fetch():
        return download_checkpoint(filename, cache_dir=model_dir, progress=progress)

    rank, world_size = get_dist_info()
    if rank == 0:
        path = fetch()
    if world_size > 1:
        torch_dist.barrier()
        if rank > 0:
            path = fetch()
    return load_from_local(path, map_location=map_location)


def route_checkpoint_loading() -> None:
    """B11 + B12: make mmengine's ``CheckpointLoader`` (``init_cfg``
    ``Pretrained``, ``load_from``, ``--resume``, ``runner.load_checkpoint``)
    use :func:`load_from_http` for ``http(s)://`` and :func:`load_from_local`
    for files (idempotent)."""
    import mmengine.runner.checkpoint as mm_checkpoint
    mm_checkpoint.CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'), loader=load_from_http, force=True)
    mm_checkpoint.CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)
    # torchvision://, open-mmlab:// and mmcls:// call the module's function
    mm_checkpoint.load_from_http = load_from_http
    mm_checkpoint.load_from_local = load_from_local


def apply_stack_fixes() -> None:
    """Apply every process-wide fix above (idempotent)."""
    allow_mmengine_checkpoint_globals()
    route_checkpoint_loading()
    skip_mmpretrain_multimodal()
    import_mmpretrain_modules()
    fix_mmcv_adjust_hue()
