# What the RS-DGC comparison shares: the AID-150px ResNet-18 64 px baseline (same model, data,
# SGD lr 0.02 cosine with a 1-epoch warm-up, 20 epochs, seed 0) on 2 processes x batch 16
# (the baseline's global batch 32, so its learning rate), the gradient exchange through
# CommHookDDP, and the bytes each process sends per step in the logs (CommBytesHook).
# Each config of this folder sets `model_wrapper_cfg.comm_hook`; see README.md. Warm-up of the
# compressed configs: 200 steps = 4 epochs (DGC's length) of 50 steps (1,600 images / 32).
# Run: bash tools/dist_train.sh CONFIG 2   (gloo on CPU, nccl on GPUs)
_base_ = ['../baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py']

train_dataloader = dict(batch_size=16)  # per process

model_wrapper_cfg = dict(
    type='CommHookDDP',
    # gradients are the only traffic: BN statistics stay per process (mmengine's default)
    broadcast_buffers=False,
    comm_hook=dict(type='allreduce'))

custom_hooks = [dict(type='CommBytesHook')]
