"""Prompt templates for CLIP-style text embeddings of remote-sensing classes.

CLIP (Radford et al., ICML 2021, Sec. 3.1.4) classifies zero-shot with the text
embedding of a prompt such as "a photo of a {}."; averaging the normalised
embeddings of several prompts ("prompt ensembling") is more accurate than one.
For overhead imagery the prompts name the view: :data:`RS_TEMPLATES` uses
satellite/aerial wording in the manner of CLIP's prompts for its EuroSAT and
RESISC45 evaluations (rszoo's own list, not a copy). ``{}`` is replaced by the
class words (``'dense residential'``).

Template sets are referred to by name in configs
(``templates='rs'``); :func:`get_templates` also accepts a list.
"""
from typing import Dict, List, Sequence, Union

#: Remote-sensing prompt ensemble.
RS_TEMPLATES = [
    'a satellite image of {}.',
    'a satellite photo of a {}.',
    'an aerial image of {}.',
    'an aerial photograph of {}.',
    'an aerial view of a {}.',
    'a remote sensing image of {}.',
    'a remote sensing image of a {}.',
    'an overhead view of {}.',
    'a top-down view of a {}.',
    'a high resolution satellite image of {}.',
    'a centered satellite photo of {}.',
    'a low resolution satellite image of a {}.',
]

#: Named template sets.
TEMPLATE_SETS: Dict[str, List[str]] = {
    'rs': RS_TEMPLATES,
    'rs_single': ['a satellite image of {}.'],
    'clip_single': ['a photo of a {}.'],
    'name': ['{}'],
}


def get_templates(templates: Union[str, Sequence[str]]) -> List[str]:
    """A template list from a set name or a list; each must contain ``{}``."""
    if isinstance(templates, str):
        if templates not in TEMPLATE_SETS:
            raise KeyError(f'unknown template set {templates!r}; known: '
                           f'{sorted(TEMPLATE_SETS)} (or give a list of templates)')
        templates = TEMPLATE_SETS[templates]
    templates = [str(t) for t in templates]
    if not templates:
        raise ValueError('no prompt templates given')
    bad = [t for t in templates if '{}' not in t]
    if bad:
        raise ValueError(f'prompt templates {bad} have no "{{}}" for the class name')
    return templates
