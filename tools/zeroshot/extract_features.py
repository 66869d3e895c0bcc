"""Extract one feature vector per image with a classification config's model.

    python tools/zeroshot/extract_features.py CONFIG --out FEATURES.npz
        [--checkpoint CKPT] [--all-images] [--batch-size 64] [--cfg-options k=v ...]

The model of ``CONFIG`` (an ``ImageClassifier``: its ``init_cfg`` weights, e.g. the
ImageNet EfficientNet-Lite0 of ``pkgweights://efficientnet-lite0``, or a trained
``--checkpoint``, loaded strictly) runs ``extract_feat`` (backbone + neck, the
pooled feature the head sees) in eval mode on ``test_dataloader.dataset`` (with
``--all-images``: without its ``split_file``, i.e. every image of the data set,
the input of zero-shot splits, which choose images by class). Written, with
``np.savez``:

- ``features`` (N, D) float32, ``labels`` (N,) int64 (the data set's label order),
- ``classes`` (C,), ``img_paths`` (N,) relative to the data root,
- ``config``, ``checkpoint`` (or the init_cfg it used).

Zero-shot models (MCFA, the linear baselines) read this file through
``ZSLFeatureDataset``. A progress bar shows the images done.
"""
import argparse
import copy
import os
import os.path as osp

import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import DefaultSampler, pseudo_collate
from mmengine.runner import load_checkpoint
from torch.utils.data import DataLoader
from tqdm import tqdm

from rszoo.registry import DATASETS, MODELS
from rszoo.utils.tool_setup import load_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Extract per-image features of a config')
    parser.add_argument('config')
    parser.add_argument('--out', required=True, help='output .npz')
    parser.add_argument('--checkpoint', help='trained weights (default: the init_cfg ones)')
    parser.add_argument('--all-images', action='store_true',
                        help="every image of the data set (drop the test split_file)")
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--num-workers', type=int, default=2)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, key=value (a key must exist)')
    return parser.parse_args(argv)


def build_dataset(cfg, all_images):
    dataset_cfg = copy.deepcopy(cfg.test_dataloader.dataset)
    if all_images:
        dataset_cfg.pop('split_file', None)
    return DATASETS.build(dataset_cfg)


@torch.no_grad()
def extract(model, dataset, batch_size=64, num_workers=2):
    loader = DataLoader(dataset, batch_size=batch_size, num_workers=num_workers,
                        sampler=DefaultSampler(dataset, shuffle=False),
                        collate_fn=pseudo_collate)
    model.eval()
    features, labels = [], []
    with tqdm(total=len(dataset), desc='features', unit='img') as bar:
        for data in loader:
            data = model.data_preprocessor(data, training=False)
            feats = model.extract_feat(data['inputs'])
            if isinstance(feats, (tuple, list)):
                feats = feats[-1]
            features.append(feats.flatten(1).float().cpu().numpy())
            labels.extend(int(s.gt_label) for s in data['data_samples'])
            bar.update(len(data['data_samples']))
    return np.concatenate(features), np.asarray(labels, dtype=np.int64)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu', strict=True)
        source = args.checkpoint
    else:
        model.init_weights()
        source = str(cfg.model.get('backbone', {}).get('init_cfg'))
    model = model.to(memory_format=torch.channels_last)
    dataset = build_dataset(cfg, args.all_images)
    features, labels = extract(model, dataset, args.batch_size, args.num_workers)
    data_root = dataset.data_root or ''
    img_paths = [osp.relpath(dataset.get_data_info(i)['img_path'], data_root)
                 for i in range(len(dataset))]
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    tmp = args.out + '.tmp.npz'
    np.savez(tmp, features=features, labels=labels,
             classes=np.asarray(dataset.metainfo['classes']), img_paths=np.asarray(img_paths),
             config=np.asarray(args.config), checkpoint=np.asarray(source))
    os.replace(tmp, args.out)
    print(f'{args.out}: features {features.shape} of {len(dataset.metainfo["classes"])} '
          f'classes from {args.config} ({source})')


if __name__ == '__main__':
    main()
