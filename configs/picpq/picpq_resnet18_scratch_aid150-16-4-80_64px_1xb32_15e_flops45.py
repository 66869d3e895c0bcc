# PIC-PQ (arXiv:2312.00851) on the rszoo ResNet-18 baseline: the dense model of
# configs/baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py, pruned to 45 % of its FLOPs
# (the authors' ResNet-56 / CIFAR-10 setting: 55 % away) with the physics-inspired criterion
# (feature-map rank FP, (a, b) learned by regularized evolution), bits from Bmax and lambda,
# then fine-tuned here for 15 epochs in three stages of 5, each with its own cosine cycle
# (lr 0.01, the authors' fine-tune lr): full precision, activations quantized (the authors'
# stage A), weights and activations quantized (stage W+A).
#
# Step 1 (writes `compression.out_dir`): tools/model_converters/picpq_compress.py THIS_CONFIG
#   work_dirs/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e/best_accuracy_top1_epoch_N.pth (its best validation epoch)
# Step 2: tools/train.py THIS_CONFIG (loads the pruned checkpoint); see configs/picpq/README.md.
_base_ = ['../baseline/resnet18_scratch_aid150-16-4-80_64px_1xb32_20e.py']

compress_dir = 'work_dirs/picpq_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops45/compress'
# read by tools/model_converters/picpq_compress.py (its flags override these)
compression = dict(
    method='PIC-PQ',
    out_dir=compress_dir,
    input_shape=(3, 64, 64),
    importance=dict(type='FeatureMapRank', num_batches=24),  # 24 x 32 = the authors' 6 x 128
    pruner=dict(flops_target=0.45, safeguard=0.1, min_channels=2),
    # the authors' search is population 64, tournament 16, 400 evaluations of 200 SGD steps
    # (80,000 steps: hours on this CPU); the runs here use 64 evaluations of 40 steps (2,560
    # steps, ~8 min), a departure stated in configs/picpq/README.md
    evolution=dict(population=16, tournament=4, iterations=64, mutation_rate=0.1),
    fitness=dict(steps=40, lr=0.01, momentum=0.9, weight_decay=5e-4),
    # Bmax: stem 32 (full precision, as the authors' stem), then stages 1-4
    bits=dict(bmax=[32, 8, 6, 4, 4], lam=1 / 6, min_bits=2),
    heldout_ratio=0.1,
    seed=0,
)

model = dict(
    _delete_=True,
    type='CompressedModel',
    model=_base_.model,
    plan=f'{compress_dir}/plan.json')
load_from = f'{compress_dir}/pruned.pth'

optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [
    dict(type='CosineRestartLR', periods=[5, 5, 5], restart_weights=[1, 1, 1], eta_min=0.0,
         by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=15, val_interval=5)  # validated at the end of each stage
# the last epoch (weights and activations quantized) is the model: no best-epoch pick, which
# could choose a full-precision stage
default_hooks = dict(checkpoint=dict(interval=5, save_best=None, max_keep_ckpts=1))
custom_hooks = [dict(type='FakeQuantHook', activations_from_epoch=5, weights_from_epoch=10)]
