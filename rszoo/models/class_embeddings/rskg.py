"""``RSKGEmbedding``: knowledge-graph class vectors of 70 remote-sensing scenes
(SR-RSKG).

Y. Li, D. Kong, Y. Zhang, Y. Tan, L. Chen, "Robust deep alignment network with
remote sensing knowledge graph for zero-shot and generalized zero-shot remote
sensing image scene classification", ISPRS J. P&RS 2021 (also Li et al., TGRS
2021): TransH embeddings of the 70 RSSDIVCS scene classes in a remote-sensing
knowledge graph, 50 dimensions.

Files (``shared/data/rsskg-semantic-vectors/``, byte copies of GitHub
``kdy2021/SR-RSKG``): ``sr-rskg.npy`` ``(70, 50)`` float64 and
``classes_inferred.txt`` (70 names).

**Row-order assumption.** The authors do not document which row of
``sr-rskg.npy`` is which class. rszoo assumes row ``i`` = entity id ``i`` of
``rskg.xlsx`` (sheet ``entity``, alphabetical: ``airplane``, ``airport``, ...,
``wetland``), the order of ``classes_inferred.txt``. Nearest neighbours by cosine
support it (dense_residential -> sparse_residential, airport -> airplane,
sea_ice -> sea, oil_well -> oil_gas_field, lake -> lakeshore), but it is an
inference, not a documented fact.

Matching a data set's class names to the 70: exact after lower-casing and
dropping ``_``, spaces and ``-`` (17 of AID's 30, 13 of UC Merced's 21, 36 of
NWPU-RESISC45's 45), then the near counterparts listed in the data README
(:data:`NEAR_MATCHES`: AID ``Center`` -> ``convention_center``, ``Port`` ->
``harbor``, ...). A class with neither (AID ``Farmland``, ``Forest``,
``Meadow``, ``MediumResidential``, ``Playground``, ``Pond``) is an error unless
``aliases`` names RSKG classes for it (one name, or several whose rows are
averaged): ``aliases=dict(Forest='sclerophyllous_forest', Pond='lake')``.
Output ``(C, 50)`` float32.
"""
import os.path as osp
import re
from typing import List, Optional

import numpy as np

from rszoo.fileio import data_root
from rszoo.registry import CLASS_EMBEDDINGS
from .base import BaseClassEmbedding, MissingEmbeddingError, l2_normalize

#: Near counterparts (data README), keyed by the normalised data-set class name.
NEAR_MATCHES = {
    'center': 'convention_center',
    'commercial': 'commercial_area',
    'industrial': 'industrial_area',
    'parking': 'parking_lot',
    'port': 'harbor',
    'storagetanks': 'storage_tank',
    'viaduct': 'viaduct_hub',
}

VECTORS_FILE = 'sr-rskg.npy'
CLASSES_FILE = 'classes_inferred.txt'


def normalize_name(name: str) -> str:
    """Lower case, letters and digits only (``'Dense_Residential'`` -> ``'denseresidential'``)."""
    return re.sub(r'[^a-z0-9]', '', name.lower())


def default_rsskg_root() -> str:
    """``$RSZOO_DATA_ROOT/rsskg-semantic-vectors`` (:func:`rszoo.fileio.data_root`)."""
    return data_root('rsskg-semantic-vectors')


@CLASS_EMBEDDINGS.register_module()
class RSKGEmbedding(BaseClassEmbedding):
    """Rows of ``sr-rskg.npy`` matched to class names (module doc).

    Args:
        root (str, optional): folder with ``sr-rskg.npy`` and
            ``classes_inferred.txt``; default: :func:`default_rsskg_root`.
        use_near_matches (bool): apply :data:`NEAR_MATCHES`. Defaults to True.
        normalize (bool): L2-normalise the rows. Defaults to False.
        aliases (dict, optional): class name -> RSKG class name(s).
        cache_dir: see :class:`~.base.BaseClassEmbedding`.

    Raises:
        KeyError: a class has no RSKG counterpart, or an alias names a class
            that RSKG does not have.
    """

    def __init__(self, root: Optional[str] = None, use_near_matches: bool = True,
                 normalize: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.root = root
        self.use_near_matches = use_near_matches
        self.normalize = normalize

    def cache_params(self) -> dict:
        return dict(super().cache_params(), root=self.root or 'default',
                    use_near_matches=self.use_near_matches, normalize=self.normalize)

    def load(self):
        """``(vectors (70, 50) float64, names [70])`` with shape checks."""
        root = self.root or default_rsskg_root()
        vec_path, names_path = osp.join(root, VECTORS_FILE), osp.join(root, CLASSES_FILE)
        for path in (vec_path, names_path):
            if not osp.isfile(path):
                raise FileNotFoundError(f'RSKGEmbedding: {path} does not exist (set root= or '
                                        'RSZOO_DATA_ROOT to the folder holding '
                                        'rsskg-semantic-vectors/)')
        vectors = np.load(vec_path)
        with open(names_path, encoding='utf-8') as f:
            names = [line.strip() for line in f if line.strip()]
        if vectors.ndim != 2 or vectors.shape[0] != len(names):
            raise ValueError(f'RSKGEmbedding: {vec_path} has shape {vectors.shape}, expected '
                             f'({len(names)}, D) for the {len(names)} names of {names_path}')
        return vectors, names

    def rskg_names(self, name: str, known: dict) -> Optional[List[str]]:
        """The RSKG class name(s) for a data-set class, or None."""
        if name in self.aliases:
            alias = self.aliases[name]
            return [alias] if isinstance(alias, str) else list(alias)
        key = normalize_name(name)
        if key in known:
            return [known[key]]
        if self.use_near_matches and key in NEAR_MATCHES:
            return [NEAR_MATCHES[key]]
        return None

    def embed(self, class_names: List[str]) -> np.ndarray:
        vectors, names = self.load()
        known = {normalize_name(n): n for n in names}
        row_of = {n: i for i, n in enumerate(names)}
        rows, missing, bad_alias = [], [], {}
        for name in class_names:
            targets = self.rskg_names(name, known)
            if targets is None:
                missing.append(name)
                continue
            canon = [t if t in row_of else known.get(normalize_name(t)) for t in targets]
            unknown = [t for t, c in zip(targets, canon) if c is None]
            if unknown:
                bad_alias[name] = unknown
                continue
            rows.append(vectors[[row_of[c] for c in canon]].mean(axis=0))
        if bad_alias:
            raise MissingEmbeddingError(
                f'RSKGEmbedding: aliases name RSKG classes that do not exist: '
                f'{bad_alias}; RSKG classes: {names}')
        if missing:
            raise MissingEmbeddingError(
                f'RSKGEmbedding: no RSKG vector for {missing} (no exact or near '
                'counterpart among the 70 RSKG classes). Give aliases='
                '{class name: RSKG class name or [names]}, e.g. '
                "dict(Forest='sclerophyllous_forest'); RSKG classes: " + str(names))
        matrix = np.stack(rows).astype(np.float32)
        return l2_normalize(matrix, 'RSKGEmbedding') if self.normalize else matrix
