"""Image classification inference: a config + checkpoint (or a model-index
name) applied to image files or arrays, in batches.

The inferencer follows mmpretrain's ``ImageClassificationInferencer``
(``mmpretrain.apis``) in what it returns, and is built from the same parts:
the config's **test pipeline** (``test_dataloader.dataset.pipeline``, built
from rszoo's ``TRANSFORMS`` into an mmengine :class:`~mmengine.dataset.Compose`),
mmengine's ``pseudo_collate``, the model's own ``data_preprocessor`` and
``model.test_step`` (``mode='predict'``), run under :func:`torch.inference_mode`.
It differs in three ways: models come from rszoo's model index
(:func:`rszoo.apis.get_model`) or a config + checkpoint loaded strictly with
``torch.load(weights_only=True)``; class names come from the checkpoint's
``meta['dataset_meta']`` (what mmengine's Runner saves) or else the config's
dataset class ``METAINFO``; and each result carries the top-k classes.

Example::

    >>> from rszoo.apis import ImageClassificationInferencer
    >>> inferencer = ImageClassificationInferencer(
    ...     'configs/baseline/resnet18_scratch_aid150-20-80_64px_1xb32_40e.py',
    ...     'work_dirs/resnet18/epoch_40.pth')
    >>> inferencer(['a.jpg', 'b.jpg'], topk=3)[0]
    {'img_path': 'a.jpg', 'pred_label': 0, 'pred_score': 0.97,
     'pred_class': 'Airport', 'topk': [{'label': 0, 'class': 'Airport',
     'score': 0.97}, ...], 'pred_scores': array([...], dtype=float32)}

Inputs:

- a path (``str`` / ``os.PathLike``): decoded by the pipeline's loading
  transform (``LoadRSImage``), whose errors name the file;
- a numpy array ``H x W x C`` (or ``H x W``), in **mmcv's channel order**
  (BGR for colour images, as ``cv2.imread`` and ``LoadRSImage`` give): the
  pipeline's ``Load*`` transforms are skipped and the array enters at the
  next transform (usually ``Resize``).

Scores are the head's ``pred_score``: softmax probabilities for
mmpretrain's ``LinearClsHead``, so the top-k scores are sorted and sum to
at most 1.
"""
import copy
import os
import os.path as osp
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import DefaultScope

from .model_zoo import (dataset_meta_from, get_model,
                        load_state_dict_strict, read_checkpoint)

InputType = Union[str, os.PathLike, np.ndarray]
ModelType = Union[str, os.PathLike, Config, torch.nn.Module]


def _transform_type_name(transform_cfg: Any) -> str:
    kind = transform_cfg.get('type') if isinstance(transform_cfg, dict) \
        else type(transform_cfg)
    return kind if isinstance(kind, str) else getattr(kind, '__name__', str(kind))


def _is_loading_transform(transform_cfg: Any) -> bool:
    """``LoadRSImage``, mmcv's ``LoadImageFromFile`` and friends."""
    return _transform_type_name(transform_cfg).split('.')[-1].startswith('Load')


def _channels_last_from_config(config: Config) -> bool:
    """Whether the config's runtime converts the model to channels_last."""
    hook = (config.get('default_hooks') or {}).get('channels_last')
    return bool(hook) and hook.get('enable', True) is not False


class ImageClassificationInferencer:
    """Predict the classes of images with an rszoo image classifier.

    Args:
        model (str | PathLike | Config | nn.Module): a config file (``.py``),
            a :class:`mmengine.Config`, a model-index name (see
            :func:`rszoo.list_models`), or a built model that has its config
            as ``model.cfg`` / ``model._config`` (what
            :func:`rszoo.apis.get_model` returns) or is given ``config``.
        pretrained (str | PathLike | bool | None): with a config: the
            checkpoint to load strictly (None keeps the initialisation and is
            only useful for smoke tests). With a model-index name: passed to
            :func:`rszoo.apis.get_model` (True downloads the published
            weights, a path loads a local file).
        device (str | torch.device): where the model runs. Defaults to 'cpu'.
        classes (Sequence[str], optional): class names, overriding the
            checkpoint's and the config's.
        channels_last (bool, optional): put the model's 4-D weights in
            ``torch.channels_last`` (about 2x faster convolutions on CPU).
            None follows the config's ``default_hooks.channels_last``.
        config (Config, optional): the config of a built ``model``.

    Raises:
        FileNotFoundError: the config or checkpoint does not exist.
        rszoo.apis.CheckpointMismatchError: the checkpoint's keys or shapes
            differ from the model's.
        ValueError: the number of class names differs from the model's
            number of classes.
    """

    def __init__(self,
                 model: ModelType,
                 pretrained: Union[str, os.PathLike, bool, None] = None,
                 device: Union[str, torch.device] = 'cpu',
                 classes: Optional[Sequence[str]] = None,
                 channels_last: Optional[bool] = None,
                 config: Optional[Config] = None) -> None:
        from rszoo.utils import register_all_modules
        register_all_modules(init_default_scope=False)  # fill the registries, keep the scope
        dataset_meta: Dict[str, Any] = {}
        if isinstance(model, torch.nn.Module):
            config = config or getattr(model, 'cfg', None) or getattr(model, '_config', None)
            if config is None:
                raise ValueError(
                    'ImageClassificationInferencer: a built model needs its '
                    'config (pass config=..., or build it with rszoo.apis.get_model).')
            dataset_meta = dict(getattr(model, 'dataset_meta', None) or {})
            if isinstance(pretrained, (str, os.PathLike)):
                dataset_meta = self._load_checkpoint(model, pretrained, config)
        elif isinstance(model, Config) or (
                isinstance(model, (str, os.PathLike))
                and (osp.isfile(model) or os.fspath(model).endswith('.py'))):
            config = model if isinstance(model, Config) else self._read_config(model)
            model = self._build_model(config)
            if pretrained not in (None, False):
                if pretrained is True:
                    raise ValueError(
                        'pretrained=True needs a model-index name; with a config, '
                        'pass the checkpoint path.')
                dataset_meta = self._load_checkpoint(model, pretrained, config)
            else:
                dataset_meta = dataset_meta_from({}, config)
        elif isinstance(model, str):
            model = get_model(model, pretrained=False if pretrained is None else pretrained,
                              device=None)
            config = model.cfg
            dataset_meta = dict(model.dataset_meta or {})
        else:
            raise TypeError('model must be a config path, a Config, a model-index '
                            f'name or an nn.Module, got {type(model).__name__}')

        self.config = config
        self.device = torch.device(device)
        if channels_last is None:
            channels_last = _channels_last_from_config(config)
        self.channels_last = bool(channels_last)
        model.to(self.device)
        if self.channels_last:
            model.to(memory_format=torch.channels_last)
        model.eval()
        self.model = model
        self.dataset_meta = dataset_meta
        self.classes = list(classes) if classes is not None else (
            list(dataset_meta['classes']) if dataset_meta.get('classes') else None)
        self.pipeline, self.array_pipeline = self._init_pipelines(config)

    # -- construction ---------------------------------------------------
    @staticmethod
    def _read_config(path: Union[str, os.PathLike]) -> Config:
        path = os.fspath(path)
        if not osp.isfile(path):
            raise FileNotFoundError(f'Config file {path} does not exist.')
        return Config.fromfile(path)

    @staticmethod
    def _build_model(config: Config) -> torch.nn.Module:
        from rszoo.registry import MODELS
        model_cfg = copy.deepcopy(config.model)
        if 'data_preprocessor' not in model_cfg and config.get('data_preprocessor'):
            model_cfg['data_preprocessor'] = copy.deepcopy(config.data_preprocessor)
        with DefaultScope.overwrite_default_scope(config.get('default_scope', 'rszoo')):
            # init_cfg (e.g. ImageNet weights) is not applied: the checkpoint
            # replaces every weight anyway, and nothing is downloaded.
            return MODELS.build(model_cfg)

    @staticmethod
    def _load_checkpoint(model: torch.nn.Module, checkpoint: Union[str, os.PathLike],
                         config: Config) -> Dict[str, Any]:
        checkpoint = os.fspath(checkpoint)
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(f'Checkpoint file {checkpoint} does not exist.')
        state_dict, meta = read_checkpoint(checkpoint)
        load_state_dict_strict(model, state_dict, checkpoint)
        return dataset_meta_from(meta, config)

    @staticmethod
    def _init_pipelines(config: Config):
        """The test pipeline for paths, and the same without ``Load*`` for arrays."""
        from rszoo.registry import TRANSFORMS
        try:
            pipeline_cfg = config.test_dataloader.dataset.pipeline
        except AttributeError:
            raise KeyError(
                f'The config {config.filename} has no test_dataloader.dataset.pipeline '
                '(the test pipeline the inferencer applies).') from None
        if not any(_is_loading_transform(t) for t in pipeline_cfg):
            raise ValueError(
                f'The test pipeline of {config.filename} has no loading transform '
                f'(LoadRSImage): {[_transform_type_name(t) for t in pipeline_cfg]}.')
        with DefaultScope.overwrite_default_scope(config.get('default_scope', 'rszoo')):
            transforms = [TRANSFORMS.build(copy.deepcopy(t)) for t in pipeline_cfg]
        array_transforms = [t for t, cfg in zip(transforms, pipeline_cfg)
                            if not _is_loading_transform(cfg)]
        return Compose(transforms), Compose(array_transforms)

    # -- inference ------------------------------------------------------
    def _prepare(self, item: InputType) -> dict:
        if isinstance(item, np.ndarray):
            if item.ndim == 2:
                item = item[:, :, None]
            if item.ndim != 3:
                raise ValueError(f'An image array must be H x W x C or H x W, got '
                                 f'shape {item.shape}.')
            return self.array_pipeline(
                dict(img=item, img_shape=item.shape[:2], ori_shape=item.shape[:2]))
        if isinstance(item, (str, os.PathLike)):
            return self.pipeline(dict(img_path=os.fspath(item)))
        raise TypeError(f'An input must be an image path or a numpy array, got '
                        f'{type(item).__name__}.')

    def _check_classes(self, num_scores: int) -> None:
        if self.classes is not None and len(self.classes) != num_scores:
            raise ValueError(
                f'The model predicts {num_scores} classes but {len(self.classes)} '
                'class names were found (checkpoint meta / config dataset / classes=); '
                'do the checkpoint and the config belong together?')

    @torch.inference_mode()
    def predict_batch(self, items: Sequence[InputType], topk: int = 5) -> List[dict]:
        """Predict one batch (no chunking); see :meth:`__call__` for the result."""
        data = pseudo_collate([self._prepare(item) for item in items])
        data_samples = self.model.test_step(data)
        results = []
        for item, sample in zip(items, data_samples):
            scores = sample.pred_score.detach().float().cpu()
            self._check_classes(scores.numel())
            top_scores, top_labels = scores.topk(min(topk, scores.numel()))
            top = [{'label': label,
                    'class': self.classes[label] if self.classes else None,
                    'score': score}
                   for score, label in zip(top_scores.tolist(), top_labels.tolist())]
            results.append(dict(
                img_path=None if isinstance(item, np.ndarray) else os.fspath(item),
                pred_label=top[0]['label'],
                pred_score=top[0]['score'],
                pred_class=top[0]['class'],
                topk=top,
                pred_scores=scores.numpy()))
        return results

    def iter_batches(self, inputs: Sequence[InputType], batch_size: int = 32,
                     topk: int = 5) -> Iterator[List[dict]]:
        """Yield the results of consecutive batches of ``batch_size`` inputs."""
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        for start in range(0, len(inputs), batch_size):
            yield self.predict_batch(inputs[start:start + batch_size], topk=topk)

    def __call__(self, inputs: Union[InputType, Iterable[InputType]],
                 batch_size: int = 32, topk: int = 5,
                 progress: bool = False) -> List[dict]:
        """Predict ``inputs`` (one image or a list), ``batch_size`` at a time.

        Args:
            inputs: an image path or array, or a list of them.
            batch_size (int): images per forward pass.
            topk (int): how many classes each result lists (capped at the
                number of classes).
            progress (bool): show a tqdm progress bar over the images.

        Returns:
            list[dict]: per input, in order: ``img_path`` (None for arrays),
            ``pred_label`` (int), ``pred_score`` (float), ``pred_class``
            (str, or None without class names), ``topk`` (a list of
            ``{'label', 'class', 'score'}``, best first) and ``pred_scores``
            (``np.ndarray`` of all class scores).
        """
        if isinstance(inputs, (str, os.PathLike, np.ndarray)):
            inputs = [inputs]
        inputs = list(inputs)
        results: List[dict] = []
        bar = None
        if progress:
            from tqdm import tqdm
            bar = tqdm(total=len(inputs), unit='img', desc='Inference')
        try:
            for batch_results in self.iter_batches(inputs, batch_size, topk):
                results.extend(batch_results)
                if bar is not None:
                    bar.update(len(batch_results))
        finally:
            if bar is not None:
                bar.close()
        return results


def inference_model(model: ModelType,
                    inputs: Union[InputType, Iterable[InputType]],
                    pretrained: Union[str, os.PathLike, bool, None] = None,
                    device: Union[str, torch.device] = 'cpu',
                    batch_size: int = 32,
                    topk: int = 5) -> Union[dict, List[dict]]:
    """One-call inference, like mmpretrain's ``inference_model``.

    Args:
        model, pretrained, device: as for :class:`ImageClassificationInferencer`.
        inputs: an image path or array (returns one dict), or a list of them
            (returns a list of dicts, see :meth:`ImageClassificationInferencer.__call__`).
    """
    inferencer = ImageClassificationInferencer(model, pretrained=pretrained, device=device)
    single = isinstance(inputs, (str, os.PathLike, np.ndarray))
    results = inferencer(inputs, batch_size=batch_size, topk=topk)
    return results[0] if single else results
