# The magnitude-pruning + uniform 8-bit baseline of PIC-PQ, through the same code and recipe:
# filters scored by the L1 norm of their weights (no evolution: (a, b) = (1, 0)), the same
# global pruning to 45 % of the dense FLOPs with the same residual chains and safeguard,
# every conv's weights and every block's inner activation at 8 bits (Bmax 8, lambda 0), the
# same 15-epoch fine-tune (FP, then activations, then weights and activations quantized).
_base_ = ['./picpq_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops45.py']

compress_dir = ('work_dirs/magnitude-8bit_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops45'
                '/compress')
compression = dict(
    method='magnitude-8bit',
    out_dir=compress_dir,
    importance=dict(_delete_=True, type='L1FilterNorm'),
    evolution=None,
    bits=dict(bmax=8, lam=0.0),
)
model = dict(plan=f'{compress_dir}/plan.json')
load_from = f'{compress_dir}/pruned.pth'
