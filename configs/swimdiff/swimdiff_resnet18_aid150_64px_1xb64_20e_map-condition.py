# SwiMDiff ablation: spatial conditioning. The denoiser gets the backbone's 512 x 2 x 2
# map (1x1 conv, resized to its 8 x 8 bottleneck) added to its bottleneck activations,
# besides the pooled vector of the default. Everything else is
# swimdiff_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./swimdiff_resnet18_aid150_64px_1xb64_20e.py']
model = dict(diffusion_head=dict(condition='map'))
