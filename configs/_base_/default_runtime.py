# Runtime settings shared by every rszoo config.
default_scope = 'rszoo'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # checkpoints and `last_checkpoint` are written atomically (temp file + rename),
    # and an outdated checkpoint is removed only after the new one is in place
    checkpoint=dict(
        type='AtomicCheckpointHook',
        interval=1,
        max_keep_ckpts=2,
        save_last=True,
        backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
    # re-seeds every epoch from (seed, epoch): `--resume` continues bit for bit,
    # also when validation ran between the checkpoint and the next epoch
    rng_state=dict(type='RNGStateHook'),
    # NHWC weights: ~2x CPU conv throughput (see configs/baseline/README.md)
    channels_last=dict(type='ChannelsLastHook'),
)

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False

# fixed seed; deterministic=False keeps oneDNN's fast CPU kernels
randomness = dict(seed=0, deterministic=False)
