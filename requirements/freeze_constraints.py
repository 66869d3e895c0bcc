"""Write ``requirements/constraints.txt``: the exact versions installed here of
rszoo's dependency closure (runtime + every extra), as ``pip freeze`` gives them.

    python requirements/freeze_constraints.py [--check]

The closure follows each installed distribution's ``Requires-Dist`` (markers
evaluated for this interpreter, extras followed where a requirement names
them). Local version labels are dropped (``torch==2.14.1`` also matches
``2.14.1+cu130`` or a user's own CUDA build of 2.14.1). ``--check`` exits 1 when
the file differs from what would be written (the test suite runs it).
"""
import argparse
import importlib.metadata as md
import os.path as osp
import re
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

HERE = osp.dirname(osp.abspath(__file__))
REPO = osp.dirname(HERE)
OUT = osp.join(HERE, 'constraints.txt')
SOURCES = ['requirements.txt', 'requirements/zeroshot.txt', 'requirements/det.txt',
           'requirements/vis.txt', 'requirements/federated.txt', 'requirements/lite.txt',
           'requirements/tests.txt']
HEADER = """\
# The exact versions measured to work together (python {python}, CPU); use with
#   pip install -e ".[tests]" -c requirements/constraints.txt
# setup.py's install_requires and extras hold ranges; this file pins the closure.
# Regenerate after an upgrade: python requirements/freeze_constraints.py
"""


def read_requirements(path):
    with open(osp.join(REPO, path), encoding='utf-8') as f:
        return [Requirement(line.split('#')[0].strip()) for line in f
                if line.split('#')[0].strip()]


def closure(requirements):
    """``{canonical name: installed version}`` of the requirements' closure."""
    seen, todo = {}, [(r, frozenset(r.extras)) for r in requirements]
    visited = set()
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            sys.exit(f'freeze_constraints: {req.name} (required) is not installed')
        seen[name] = (dist.metadata['Name'], dist.version)
        for line in dist.requires or []:
            sub = Requirement(line)
            envs = [{'extra': e} for e in extras] or [{'extra': ''}]
            if sub.marker is not None and not any(sub.marker.evaluate(env) for env in envs):
                continue
            todo.append((sub, frozenset(sub.extras)))
    return seen


def render():
    reqs = [r for path in SOURCES for r in read_requirements(path)]
    pinned = closure(reqs)
    lines = [HEADER.format(python='.'.join(map(str, sys.version_info[:3])))]
    for key in sorted(pinned):
        name, version = pinned[key]
        lines.append(f'{name}=={Version(version).public}\n')
    return ''.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
                        help='exit 1 when constraints.txt is not what would be written')
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = open(OUT, encoding='utf-8').read() if osp.isfile(OUT) else ''
        strip = lambda t: re.sub(r'^#.*\n', '', t, flags=re.M)  # noqa: E731
        if strip(current) != strip(text):
            sys.exit(f'{OUT} is not the installed set; run '
                     'python requirements/freeze_constraints.py')
        return 0
    with open(OUT, 'w', encoding='utf-8') as f:
        f.write(text)
    print(f'wrote {OUT} ({text.count(chr(10)) - HEADER.count(chr(10))} pins)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
