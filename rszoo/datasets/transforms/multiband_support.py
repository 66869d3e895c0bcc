"""Which mmcv / mmpretrain transforms handle multiband (C > 4, uint16) images.

Checked on a 64 x 64 x 13 ``uint16`` array (mmcv-lite 2.2.0, mmpretrain 1.2.0,
OpenCV 5.1; ``tests/test_datasets/test_eurosat_ms.py`` runs the first group
end to end):

- work, dtype and band count kept: ``Resize`` / ``ResizeEdge`` /
  ``RandomResizedCrop`` (OpenCV backend, any interpolation),
  ``CenterCrop``, ``RandomCrop``, ``RandomFlip``, rszoo's ``RandomRot90``,
  ``PackInputs`` (a ``torch.uint16`` tensor; torch implements few operations
  for it, so ``MultiBandDataPreprocessor`` converts to float first);
- fail: the colour transforms, which assume 3-band ``uint8`` RGB
  (``ColorJitter``, ``RandAugment``, ``AutoAugment``, ``GaussianBlur``,
  ``RandomGrayscale``, ``Brightness`` .. ``Solarize`` and the other
  RandAugment operations; their affine warps also refuse more than 4
  channels with Lanczos), ``RandomErasing`` (fills 3 channels), and any
  transform with ``backend='pillow'`` (``AssertionError: Pillow backend only
  support uint8 type``).

:func:`check_multiband_pipeline` turns the second group into one clear error
when a multiband dataset is built.
"""
from typing import Iterable, List

#: Transform types that need 3-band uint8 images, with the reason.
RGB_ONLY_TRANSFORMS = {
    'ColorJitter': 'Pillow colour operations (uint8 RGB only)',
    'RandAugment': 'its operations are Pillow / OpenCV colour ops for RGB',
    'AutoAugment': 'its operations are Pillow / OpenCV colour ops for RGB',
    'GaussianBlur': 'Pillow filter (at most 4 bands of uint8)',
    'RandomGrayscale': 'RGB channel weights',
    'RandomErasing': 'fills 3 channels',
    'Brightness': 'uint8 RGB colour op', 'Contrast': 'uint8 RGB colour op',
    'ColorTransform': 'uint8 RGB colour op', 'Equalize': 'uint8 RGB colour op',
    'AutoContrast': 'uint8 RGB colour op', 'Posterize': 'uint8 RGB colour op',
    'Solarize': 'uint8 RGB colour op', 'SolarizeAdd': 'uint8 RGB colour op',
    'Sharpness': 'uint8 RGB colour op', 'Invert': 'uint8 RGB colour op',
}


def _type_name(transform) -> str:
    if isinstance(transform, dict):
        return str(transform.get('type', '')).split('.')[-1]
    return type(transform).__name__


def check_multiband_pipeline(pipeline: Iterable, dataset_name: str = 'dataset') -> None:
    """Raise one ``ValueError`` listing every transform of ``pipeline`` (configs
    or built transforms) that cannot handle multiband / 16-bit images.

    Raises:
        ValueError: names each offending transform, its position and why.
    """
    problems: List[str] = []
    for position, transform in enumerate(pipeline):
        name = _type_name(transform)
        backend = (transform.get('backend') if isinstance(transform, dict)
                   else getattr(transform, 'backend', None))
        if name in RGB_ONLY_TRANSFORMS:
            problems.append(f'#{position} {name}: {RGB_ONLY_TRANSFORMS[name]}')
        elif backend == 'pillow' and name != 'LoadRSImage':
            problems.append(f"#{position} {name}: backend='pillow' needs uint8 images; "
                            "use the default OpenCV backend")
    if problems:
        raise ValueError(
            f'{dataset_name}: the pipeline has transforms that do not work on '
            'multiband / 16-bit images:\n  ' + '\n  '.join(problems) +
            '\n(see rszoo.datasets.transforms.multiband_support for what works).')
