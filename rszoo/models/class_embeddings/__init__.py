"""Class side information for zero-shot learning: providers that map class
names to a ``(C, D)`` matrix, registered in ``rszoo.registry.CLASS_EMBEDDINGS``
(see :mod:`.base`)."""
from .attribute_matrix import AttributeMatrixEmbedding
from .class_matrix import class_matrix
from .base import (ALIAS_SETS, UCMERCED_ALIASES, BaseClassEmbedding,
                   MissingEmbeddingError, l2_normalize, split_class_name)
from .glove import GloVeEmbedding
from .open_clip_text import OpenCLIPTextEmbedding, build_open_clip
from .rskg import NEAR_MATCHES, RSKGEmbedding
from .sentence_embedding import SentenceEmbedding
from .templates import RS_TEMPLATES, TEMPLATE_SETS, get_templates

__all__ = [
    'BaseClassEmbedding', 'class_matrix', 'MissingEmbeddingError', 'split_class_name', 'l2_normalize',
    'ALIAS_SETS', 'UCMERCED_ALIASES', 'GloVeEmbedding', 'SentenceEmbedding',
    'RSKGEmbedding', 'NEAR_MATCHES', 'AttributeMatrixEmbedding', 'OpenCLIPTextEmbedding',
    'build_open_clip', 'RS_TEMPLATES', 'TEMPLATE_SETS', 'get_templates'
]
