# The global RX detector (Reed & Yu 1990) on the 14 HAD scenes of
# ../shared/data/had-abu-hydice-sandiego: all bands, the scene's mean and
# unbiased covariance, Mahalanobis distance; nothing to train.
#   python tools/analysis/had_protocol.py --rx-only --out work_dirs/rx.jsonl --readme none
# (one Runner.test() per scene, one record each)
_base_ = ['../_base_/default_runtime.py']

data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/had-abu-hydice-sandiego'

model = dict(type='RXDetector')

test_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='HyperspectralAnomalyDataset', data_root=data_root, mode='test',
                 bands=None, normalize='scene_minmax'))
test_cfg = dict(type='TestLoop')
test_evaluator = dict(type='AnomalyAUC')

default_hooks = dict(channels_last=dict(type='ChannelsLastHook', enable=False))
