# The magnitude-pruning + uniform 8-bit baseline of PIC-PQ at equal BOPs: the same as
# magnitude-8bit_..._flops45.py (equal FLOPs), but pruned to 70 % of the dense FLOPs, the target
# at which its BOPs (8-bit weights, the residual stream and the image at 32 bits) equal those of
# the PIC-PQ model of split seed 0 (17.0e9, 8.92x below the dense FP32 model; measured by
# picpq_compress.py at targets 0.45 / 0.65 / 0.70: 13.12x / 9.54x / 8.92x). PIC-PQ keeps its stem
# at full precision (Bmax 32), so at equal FLOPs the uniform 8-bit model has fewer BOPs.
_base_ = ['./magnitude-8bit_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops45.py']

compress_dir = ('work_dirs/magnitude-8bit_resnet18_scratch_aid150-16-4-80_64px_1xb32_15e_flops70'
                '/compress')
compression = dict(out_dir=compress_dir, pruner=dict(flops_target=0.70))
model = dict(plan=f'{compress_dir}/plan.json')
load_from = f'{compress_dir}/pruned.pth'
