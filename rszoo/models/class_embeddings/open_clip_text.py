"""``OpenCLIPTextEmbedding``: CLIP text-tower embeddings of class prompts
(prompt ensembling), with any open_clip model and a local checkpoint.

A. Radford et al., "Learning Transferable Visual Models From Natural Language
Supervision", ICML 2021 (Sec. 3.1.4, prompt engineering and ensembling);
open_clip (Ilharco et al., 2021) for the models.

For class ``c`` with words ``w`` (``'DenseResidential'`` -> ``'dense
residential'``) and templates ``t_1..t_T`` (:mod:`.templates`)::

    e_ct = encode_text(tokenize(t_j.format(w))) / ||.||      (T, D)
    emb_c = mean_t(e_ct) / ||mean_t(e_ct)||                    (D,)

Output ``(C, D)`` float32 with unit rows, ``D`` = the model's ``embed_dim``.

**Nothing is downloaded.** ``pretrained`` must be a local checkpoint file (or
None: random initialisation, for tests and shape checks); an open_clip
pretrained tag such as ``'laion2b_s34b_b79k'``, an ``hf-hub:`` model or a text
tower / tokenizer that lives on the Hugging Face hub is an error. The model is
either a built-in open_clip architecture name (``'ViT-B-32'``, ``'RN50'``) or a
config dict in open_clip's ``model_configs/*.json`` format (``embed_dim``,
``vision_cfg``, ``text_cfg``; ``custom_text``, ``quick_gelu`` optional), e.g. a
tiny one for tests::

    dict(embed_dim=16,
         vision_cfg=dict(image_size=32, layers=1, width=32, head_width=16,
                         patch_size=16),
         text_cfg=dict(context_length=16, vocab_size=49408, width=32, heads=2,
                       layers=1))

Matrices of randomly initialised models (``pretrained=None``) are never cached.
"""
import copy
import os.path as osp
from typing import List, Optional, Sequence, Union

import numpy as np

from rszoo.registry import CLASS_EMBEDDINGS
from .base import BaseClassEmbedding, MissingEmbeddingError, l2_normalize
from .templates import get_templates


def _is_local(path: Optional[str]) -> bool:
    return bool(path) and osp.exists(str(path))


def check_local_pretrained(pretrained: Optional[str], where: str) -> None:
    """Raise unless ``pretrained`` is None or an existing file."""
    if pretrained is None:
        return
    if not isinstance(pretrained, str) or not osp.isfile(pretrained):
        raise ValueError(f'{where}: pretrained={pretrained!r} is not a local checkpoint file. '
                         'rszoo never downloads weights: give the path of a downloaded '
                         'open_clip checkpoint, or None for random initialisation.')


def build_open_clip(model_name: Union[str, dict], pretrained: Optional[str] = None,
                    device: str = 'cpu', where: str = 'open_clip'):
    """``(model, tokenizer)`` of an open_clip architecture name or config dict,
    offline (see the module doc). The model is in eval mode."""
    import open_clip
    from open_clip.tokenizer import HFTokenizer, SimpleTokenizer

    check_local_pretrained(pretrained, where)
    if isinstance(model_name, dict):
        cfg = copy.deepcopy(dict(model_name))
        missing = [k for k in ('embed_dim', 'vision_cfg', 'text_cfg') if k not in cfg]
        if missing:
            raise MissingEmbeddingError(
                f'{where}: model config misses {missing}; expected open_clip\'s '
                'model_configs JSON format (embed_dim, vision_cfg, text_cfg)')
    else:
        if not isinstance(model_name, str) or not model_name:
            raise TypeError(f'{where}: model_name must be an open_clip architecture name or '
                            f'a config dict, got {model_name!r}')
        if model_name.startswith('hf-hub:'):
            raise ValueError(f'{where}: {model_name!r} would be fetched from the Hugging Face '
                             'hub; give an architecture name or config dict and a local '
                             'pretrained file')
        cfg = open_clip.get_model_config(model_name)
        if cfg is None:
            raise MissingEmbeddingError(
                f'{where}: {model_name!r} is not an open_clip architecture; see '
                'open_clip.list_models(), or pass a config dict')
    text_cfg = cfg['text_cfg']
    for key in ('hf_model_name', 'hf_tokenizer_name'):
        if key in text_cfg and not _is_local(text_cfg[key]):
            raise ValueError(f'{where}: text_cfg.{key}={text_cfg[key]!r} is a Hugging Face '
                             'hub name; it would be downloaded. Use a local folder path.')

    if isinstance(model_name, dict):
        from open_clip import CLIP, CustomTextCLIP
        custom_text = cfg.pop('custom_text', False) or 'hf_model_name' in text_cfg
        if 'hf_model_name' in text_cfg:
            text_cfg['hf_model_pretrained'] = False
        model = (CustomTextCLIP if custom_text else CLIP)(**cfg)
        if pretrained is not None:
            open_clip.load_checkpoint(model, pretrained)
    else:
        model = open_clip.create_model(model_name, pretrained=pretrained,
                                       pretrained_image=False, pretrained_text=False)
    model = model.to(device).eval()

    context_length = text_cfg.get('context_length', 77)
    if 'hf_tokenizer_name' in text_cfg:
        tokenizer = HFTokenizer(text_cfg['hf_tokenizer_name'], context_length=context_length)
    else:
        tokenizer = SimpleTokenizer(context_length=context_length)
    return model, tokenizer


@CLASS_EMBEDDINGS.register_module()
class OpenCLIPTextEmbedding(BaseClassEmbedding):
    """Prompt-ensembled, L2-normalised open_clip text embeddings of classes.

    Args:
        model_name (str | dict, optional): open_clip architecture name, or a
            config dict (same as ``model_cfg``).
        model_cfg (dict, optional): open_clip config dict (module doc).
        pretrained (str, optional): local checkpoint file; None = random init.
        templates (str | list[str]): template set name of
            :data:`~.templates.TEMPLATE_SETS` or a list. Defaults to ``'rs'``.
        device (str): torch device. Defaults to ``'cpu'``.
        batch_size (int): prompts per forward pass. Defaults to 256.
        aliases, cache_dir: see :class:`~.base.BaseClassEmbedding`.
    """

    def __init__(self,
                 model_name: Union[str, dict, None] = None,
                 model_cfg: Optional[dict] = None,
                 pretrained: Optional[str] = None,
                 templates: Union[str, Sequence[str]] = 'rs',
                 device: str = 'cpu',
                 batch_size: int = 256,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(model_name, dict):
            if model_cfg is not None:
                raise ValueError('OpenCLIPTextEmbedding: model_name is a config dict and '
                                 'model_cfg is given too; give one')
            model_name, model_cfg = None, model_name
        if (model_name is None) == (model_cfg is None):
            raise ValueError('OpenCLIPTextEmbedding: give exactly one of model_name (an '
                             'open_clip architecture) and model_cfg (a config dict)')
        check_local_pretrained(pretrained, 'OpenCLIPTextEmbedding')
        self.model_name = model_name
        self.model_cfg = copy.deepcopy(model_cfg)
        self.pretrained = pretrained
        self.templates = get_templates(templates)
        self.device = device
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None

    def cache_params(self) -> dict:
        weights = None if self.pretrained is None else dict(
            path=osp.abspath(self.pretrained), mtime=osp.getmtime(self.pretrained))
        return dict(super().cache_params(), model_name=self.model_name,
                    model_cfg=self.model_cfg, pretrained=weights, templates=self.templates)

    def cache_path(self, class_names):
        if self.pretrained is None:  # random weights: nothing worth caching
            return None
        return super().cache_path(class_names)

    def build(self):
        """Build (once) and return ``(model, tokenizer)``."""
        if self._model is None:
            self._model, self._tokenizer = build_open_clip(
                self.model_cfg if self.model_cfg is not None else self.model_name,
                self.pretrained, self.device, 'OpenCLIPTextEmbedding')
        return self._model, self._tokenizer

    def encode_texts(self, texts: List[str]) -> np.ndarray:
        """L2-normalised text embeddings ``(N, D)`` of ``texts``."""
        import torch
        model, tokenizer = self.build()
        out = []
        with torch.no_grad():
            for start in range(0, len(texts), self.batch_size):
                tokens = tokenizer(texts[start:start + self.batch_size]).to(self.device)
                out.append(model.encode_text(tokens, normalize=True).float().cpu().numpy())
        return np.concatenate(out).astype(np.float32)

    def class_prompts(self, name: str) -> List[str]:
        """The prompts of one class (one per template)."""
        text = self.class_text(name)
        if not text:
            raise MissingEmbeddingError(
                f'OpenCLIPTextEmbedding: class {name!r} has no words; give an alias')
        return [t.format(text) for t in self.templates]

    def embed(self, class_names: List[str]) -> np.ndarray:
        prompts = [p for n in class_names for p in self.class_prompts(n)]
        vectors = self.encode_texts(prompts)
        vectors = vectors.reshape(len(class_names), len(self.templates), -1).mean(axis=1)
        return l2_normalize(vectors, 'OpenCLIPTextEmbedding')
