"""Print a config with its ``_base_`` files merged and ``--cfg-options``
applied, as mmpretrain's ``tools/misc/print_config.py`` does.

    python tools/misc/print_config.py CONFIG [--cfg-options k=v ...] [--out resolved.py]

The text is mmengine's ``Config.pretty_text`` (formatted Python, ``_base_``
resolved, ``{{$RSZOO_DATA_ROOT:...}}`` substituted). ``--cfg-options`` keys
must exist in the config (a new key is written ``+key=value``), as in
``tools/train.py``. ``--out`` also writes the resolved config: ``.py`` as
printed, ``.json`` / ``.yaml`` / ``.yml`` as data.
"""
import argparse
import os.path as osp

from mmengine.config import Config, DictAction

from rszoo.fileio import atomic_write_bytes
from rszoo.utils.config_utils import merge_cfg_options

OUT_FORMATS = {'.py': 'py', '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml'}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Print the whole resolved config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    parser.add_argument('--out', help='also write the resolved config (.py, .json, .yaml)')
    args = parser.parse_args(argv)
    if args.out and osp.splitext(args.out)[1].lower() not in OUT_FORMATS:
        parser.error(f'--out must end in one of {sorted(OUT_FORMATS)}, got {args.out}')
    return args


def resolved_text(cfg, file_format='py'):
    """The config as Python source (``pretty_text``) or as JSON / YAML data."""
    if file_format == 'py':
        return cfg.pretty_text
    from mmengine.fileio import dump
    return dump(cfg.to_dict(), file_format=file_format)


def main(argv=None):
    args = parse_args(argv)
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file {args.config} does not exist')
    cfg = Config.fromfile(args.config)
    merge_cfg_options(cfg, args.cfg_options)
    text = cfg.pretty_text
    print(text)
    if args.out:
        fmt = OUT_FORMATS[osp.splitext(args.out)[1].lower()]
        atomic_write_bytes(resolved_text(cfg, fmt).encode('utf-8'), args.out)
        print(f'# resolved config written to {args.out}')
    return cfg


if __name__ == '__main__':
    main()
