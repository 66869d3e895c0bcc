# SwiMDiff ablation: scene matching ('mask') and in-batch negatives, no diffusion term
# (lambda_d = 0: the denoiser is not built). Everything else is
# swimdiff_resnet18_aid150_64px_1xb64_20e.py.
_base_ = ['./swimdiff_resnet18_aid150_64px_1xb64_20e.py']
model = dict(lambda_d=0.0, log_zeroed_condition=False)
