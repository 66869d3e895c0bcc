"""WHU-RS19 (Xia et al., 2010; Dai & Yang, 2011)."""
from rszoo.registry import DATASETS
from .scene_classification import RSSceneDataset


@DATASETS.register_module()
class WHURS19(RSSceneDataset):
    """WHU-RS19: 1,005 Google Earth scenes of 19 classes, about 50 per
    class, 600x600 px RGB JPEGs.

    G.-S. Xia, W. Yang, J. Delon, Y. Gousseau, H. Sun, H. Maitre,
    "Structural High-resolution Satellite Image Indexing", ISPRS TC VII
    Symposium, 2010; D. Dai, W. Yang, "Satellite Image Classification via
    Two-Layer Sparse Coding With Biased Image Representation", IEEE GRSL
    8(1), 2011.

    ``data_root`` is the folder of the release that holds the 19 class
    folders (``<data_root>/Airport/<image>.jpg``, ...). Folder names as
    released, two in camelCase (``footballField``, ``railwayStation``);
    confirmed with torchrs' README (``isaaccorley/torchrs``, ``WHURS19``).

    Order: case-insensitive alphabetical, the order of the class lists in
    public code (e.g. confusion-matrix labels) and of a file browser. NOTE: torchvision's ``ImageFolder``
    (and torchrs) sorts case-sensitively and puts ``footballField`` and
    ``railwayStation`` last, so its labels 6..18 differ from these; give
    ``classes=`` explicitly to reproduce that order.

    Protocols in the literature: 40%/60% and 60%/40% train/test per class.
    """

    METAINFO = dict(classes=(
        'Airport', 'Beach', 'Bridge', 'Commercial', 'Desert', 'Farmland',
        'footballField', 'Forest', 'Industrial', 'Meadow', 'Mountain', 'Park',
        'Parking', 'Pond', 'Port', 'railwayStation', 'Residential', 'River',
        'Viaduct'))
