"""``CLIPZeroShotClassifier``: CLIP-style zero-shot scene classification with
any open_clip model, a local checkpoint and a prompt ensemble.

A. Radford et al., "Learning Transferable Visual Models From Natural Language
Supervision", ICML 2021 (Sec. 3.1.2 zero-shot transfer, Sec. 3.1.4 prompt
ensembling); open_clip (G. Ilharco et al., 2021) for the models.

For a batch of images ``x`` ``(N, 3, H, W)`` (``H, W`` = the image tower's input
size), ``C`` classes with words ``w_c`` (``'DenseResidential'`` -> ``'dense
residential'``) and ``T`` templates ``t_j`` (``'a satellite image of {}.'``)::

    f = encode_image(x) / ||.||                                  (N, D)
    e_cj = encode_text(tokenize(t_j.format(w_c))) / ||.||        (C, T, D)
    t_c = mean_j(e_cj) / ||mean_j(e_cj)||                        (C, D)
    logits = s * f t^T                                           (N, C)
    pred_score = softmax(logits),  pred_label = argmax            (N, C), (N,)

``s`` is the model's ``exp(logit_scale)`` (100 for OpenAI's CLIP) unless
``logit_scale`` is given. The text embeddings ``t`` are computed once (without
gradients) and cached in the non-persistent buffer ``text_embeddings``; they are
recomputed when the class names or templates change or weights are loaded.

**Nothing is downloaded.** ``pretrained`` must be a local open_clip checkpoint
file (a pretrained tag such as ``'openai'`` is an error); None gives a random
model (with a warning: its predictions are meaningless). A state dict of the
bare open_clip model (keys ``visual.*``, ``token_embedding.*``, ...) also loads
into this classifier (its keys are moved under ``clip.``), so ``tools/test.py
CONFIG open_clip_weights.bin`` works.

Zero-shot only: ``loss`` raises ``NotImplementedError``.
"""
import copy
import warnings
from typing import List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmpretrain.models.classifiers import BaseClassifier
from mmpretrain.structures import DataSample

from rszoo.datasets.zeroshot.class_split import ClassSplit
from rszoo.models.class_embeddings.base import split_class_name
from rszoo.models.class_embeddings.open_clip_text import build_open_clip, check_local_pretrained
from rszoo.models.class_embeddings.templates import get_templates
from rszoo.models.utils.prediction_samples import scores_to_data_samples
from rszoo.registry import MODELS

#: open_clip's (OpenAI CLIP's) image normalisation, in 0-255 units.
CLIP_MEAN = [0.48145466 * 255, 0.4578275 * 255, 0.40821073 * 255]
CLIP_STD = [0.26862954 * 255, 0.26130258 * 255, 0.27577711 * 255]

#: top-level names of open_clip CLIP / CustomTextCLIP state dicts.
_OPEN_CLIP_ROOTS = ('visual', 'text', 'transformer', 'token_embedding', 'positional_embedding',
                    'ln_final', 'text_projection', 'logit_scale', 'logit_bias', 'attn_mask')


def _build_tokenizer(model_name: Optional[str], model_cfg: Optional[dict]):
    """open_clip's tokenizer of a built-in architecture, or, for a config dict,
    ``SimpleTokenizer`` (CLIP's BPE, bundled with open_clip) or a local
    ``HFTokenizer`` folder; never downloads."""
    import open_clip
    from open_clip.tokenizer import HFTokenizer, SimpleTokenizer
    if model_cfg is None:
        return open_clip.get_tokenizer(model_name)
    text_cfg = model_cfg.get('text_cfg', {})
    context_length = text_cfg.get('context_length', 77)
    if text_cfg.get('hf_tokenizer_name'):
        # build_open_clip has checked that it is a local folder
        return HFTokenizer(text_cfg['hf_tokenizer_name'], context_length=context_length)
    tokenizer = SimpleTokenizer(context_length=context_length,
                                **text_cfg.get('tokenizer_kwargs', {}))
    vocab = text_cfg.get('vocab_size', 49408)
    if vocab < len(tokenizer.encoder):
        raise ValueError(f'CLIPZeroShotClassifier: model_cfg.text_cfg.vocab_size={vocab} is '
                         f'smaller than the {len(tokenizer.encoder)} tokens of open_clip\'s '
                         'SimpleTokenizer (CLIP BPE); use vocab_size=49408')
    return tokenizer


@MODELS.register_module()
class CLIPZeroShotClassifier(BaseClassifier):
    """Zero-shot classifier: cosine similarity of open_clip image embeddings
    and prompt-ensembled class text embeddings (see the module doc).

    Args:
        model_name (str, optional): a built-in open_clip architecture
            (``'ViT-B-32'``, ``'RN50'``, see ``open_clip.list_models()``).
        model_cfg (dict, optional): an open_clip config dict instead, in the
            format of open_clip's ``model_configs/*.json`` (``embed_dim``,
            ``vision_cfg``, ``text_cfg``, ...). Give exactly one of the two.
        pretrained (str, optional): path of a LOCAL open_clip checkpoint
            (``.bin``/``.pt``/``.safetensors``, loaded with
            ``open_clip.load_checkpoint``, strictly). None: random weights,
            with a warning. Anything else (e.g. ``'openai'``) is an error.
        class_names (list[str], optional): the ``C`` class names, in label order.
        class_split (str, optional): a class split JSON file whose ``classes``
            are used instead (give one of the two; a relative path is resolved
            by :meth:`ClassSplit.from_file`).
        templates (str | list[str]): prompt templates with ``{}`` for the
            class words, or a template set name of
            :mod:`rszoo.models.class_embeddings.templates`. Defaults to
            ``'rs'`` (12 remote-sensing prompts).
        split_class_names (bool): write class names as lower-case words
            (``'DenseResidential'``, ``'dense_residential'`` -> ``'dense
            residential'``) in the prompts. Defaults to True.
        logit_scale (float, optional): the factor ``s`` on the cosine
            similarities. None (default): the model's ``exp(logit_scale)``.
        data_preprocessor (dict, optional): defaults to ``ClsDataPreprocessor``
            with CLIP's mean/std (0-255 units) and ``to_rgb=True`` (rszoo's
            loaders give BGR); keys given here override those defaults.
        init_cfg (dict, optional): unused (weights come from ``pretrained``).
    """

    def __init__(self,
                 model_name: Optional[str] = None,
                 model_cfg: Optional[dict] = None,
                 pretrained: Optional[str] = None,
                 class_names: Optional[Sequence[str]] = None,
                 class_split: Optional[str] = None,
                 templates: Union[str, Sequence[str]] = 'rs',
                 split_class_names: bool = True,
                 logit_scale: Optional[float] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        where = 'CLIPZeroShotClassifier'
        if (model_name is None) == (model_cfg is None):
            raise ValueError(f'{where}: give exactly one of model_name (an open_clip '
                             'architecture, e.g. "ViT-B-32") and model_cfg (a config dict)')
        if (class_names is None) == (class_split is None):
            raise ValueError(f'{where}: give exactly one of class_names and class_split')
        if class_split is not None:
            class_names = ClassSplit.from_file(class_split).classes
        check_local_pretrained(pretrained, where)
        if logit_scale is not None and not logit_scale > 0:
            raise ValueError(f'{where}: logit_scale must be > 0, got {logit_scale!r}')

        clip, _ = build_open_clip(copy.deepcopy(model_cfg) if model_cfg is not None
                                  else model_name, pretrained, 'cpu', where)
        if pretrained is None:
            warnings.warn(f'{where}: pretrained=None, the open_clip model '
                          f'{model_name or "(model_cfg)"} has RANDOM weights and its zero-shot '
                          'predictions are meaningless (unless a checkpoint is loaded '
                          'afterwards); give pretrained=<local open_clip checkpoint file>',
                          stacklevel=2)

        preprocessor = dict(type='ClsDataPreprocessor', mean=CLIP_MEAN, std=CLIP_STD,
                            to_rgb=True)
        if isinstance(data_preprocessor, dict):
            preprocessor.update(data_preprocessor)
        elif data_preprocessor is not None:
            preprocessor = data_preprocessor
        super().__init__(init_cfg=init_cfg, data_preprocessor=preprocessor)

        self.clip = clip
        self.tokenizer = _build_tokenizer(model_name, model_cfg)
        self.model_name = model_name
        self.pretrained = pretrained
        self.templates = get_templates(templates)
        self.split_class_names = split_class_names
        self.fixed_logit_scale = None if logit_scale is None else float(logit_scale)
        self.register_buffer('text_embeddings', None, persistent=False)
        self._text_key = None
        self.class_names = class_names
        self.register_load_state_dict_pre_hook(self._load_state_dict_pre_hook)

    # -- classes and text embeddings -----------------------------------------
    @property
    def class_names(self) -> List[str]:
        return list(self._class_names)

    @class_names.setter
    def class_names(self, names: Sequence[str]) -> None:
        if isinstance(names, str) or not names:
            raise ValueError('CLIPZeroShotClassifier: class_names must be a non-empty list of '
                             f'class names, got {names!r}')
        names = tuple(str(n) for n in names)
        if len(set(names)) != len(names):
            raise ValueError(f'CLIPZeroShotClassifier: class_names repeat a name: {names}')
        self._class_names = names

    @property
    def num_classes(self) -> int:
        return len(self._class_names)

    def class_text(self, name: str) -> str:
        """The words of a class in the prompts."""
        if not self.split_class_names:
            return name
        words = ' '.join(split_class_name(name))
        if not words:
            raise ValueError(f'CLIPZeroShotClassifier: class name {name!r} has no words')
        return words

    def prompts(self, name: str) -> List[str]:
        """The ``T`` prompts of one class."""
        text = self.class_text(name)
        return [t.format(text) for t in self.templates]

    @torch.no_grad()
    def compute_text_embeddings(self) -> torch.Tensor:
        """``(C, D)`` unit rows: the normalised mean of each class's normalised
        template embeddings (not cached; see :meth:`get_text_embeddings`)."""
        device = next(self.clip.parameters()).device
        prompts = [p for n in self._class_names for p in self.prompts(n)]
        tokens = self.tokenizer(prompts).to(device)
        emb = F.normalize(self.clip.encode_text(tokens).float(), dim=-1)
        emb = emb.reshape(self.num_classes, len(self.templates), -1).mean(dim=1)
        return F.normalize(emb, dim=-1)

    def get_text_embeddings(self) -> torch.Tensor:
        """The cached ``(C, D)`` class text embeddings, computed on first use and
        again after the class names or templates change or weights are loaded."""
        key = (self._class_names, tuple(self.templates), self.split_class_names)
        if self.text_embeddings is None or self._text_key != key:
            self.text_embeddings = self.compute_text_embeddings()
            self._text_key = key
        return self.text_embeddings

    def refresh_text_embeddings(self) -> None:
        """Drop the cache (call after changing the weights by hand)."""
        self.text_embeddings = None
        self._text_key = None

    @staticmethod
    def _load_state_dict_pre_hook(module, state_dict, prefix, local_metadata, strict,
                                  missing_keys, unexpected_keys, error_msgs) -> None:
        """Invalidate the text cache; move a bare open_clip state dict's keys
        (``visual.*``, ``positional_embedding``, ... or ``module.visual.*``)
        under ``clip.``."""
        module.refresh_text_embeddings()
        keys = [k for k in state_dict if k.startswith(prefix)]
        if any(k.startswith(prefix + 'clip.') for k in keys):
            return
        rest = [k[len(prefix):] for k in keys]
        if rest and all(r.startswith('module.') for r in rest):
            rest = [r[len('module.'):] for r in rest]
        if not rest or not any(r.split('.', 1)[0] in _OPEN_CLIP_ROOTS for r in rest):
            return
        for key, name in zip(keys, rest):
            if name.split('.', 1)[0] in _OPEN_CLIP_ROOTS:
                state_dict[prefix + 'clip.' + name] = state_dict.pop(key)

    # -- forward ---------------------------------------------------------------
    @property
    def logit_scale(self) -> torch.Tensor:
        if self.fixed_logit_scale is not None:
            return torch.tensor(self.fixed_logit_scale)
        return self.clip.logit_scale.detach().exp().reshape(())

    def _check_input(self, inputs: torch.Tensor) -> None:
        if inputs.dim() != 4 or inputs.shape[1] != 3:
            raise ValueError('CLIPZeroShotClassifier: inputs must be (N, 3, H, W), got '
                             f'{tuple(inputs.shape)}')
        size = getattr(self.clip.visual, 'image_size', None)
        if size is not None:
            size = tuple(size) if isinstance(size, (tuple, list)) else (size, size)
            if tuple(inputs.shape[-2:]) != size:
                raise ValueError(f'CLIPZeroShotClassifier: the image tower takes {size} '
                                 f'images, got {tuple(inputs.shape[-2:])}; resize them to '
                                 f'{size[0]} in the test pipeline')

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """Unit-norm image embeddings ``(N, D)``."""
        self._check_input(inputs)
        return F.normalize(self.clip.encode_image(inputs).float(), dim=-1)

    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            return self.get_logits(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        raise RuntimeError(f'CLIPZeroShotClassifier: invalid mode "{mode}"; expected '
                           '"tensor", "predict" or "loss"')

    def get_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """``s * cos(image, class text)``, ``(N, C)``."""
        feats = self.extract_feat(inputs)
        text = self.get_text_embeddings().to(feats.dtype)
        return self.logit_scale.to(feats.device) * feats @ text.t()

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None) -> List[DataSample]:
        """DataSamples with ``pred_score`` (softmax over the ``C`` classes) and
        ``pred_label``."""
        scores = F.softmax(self.get_logits(inputs), dim=1)
        return scores_to_data_samples(scores, data_samples)

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample]):
        raise NotImplementedError(
            'CLIPZeroShotClassifier is a zero-shot classifier: it is not trained (no loss). '
            'Evaluate it with tools/test.py; to adapt CLIP to a data set, use a trainable '
            'model (e.g. a linear probe on its image features).')
