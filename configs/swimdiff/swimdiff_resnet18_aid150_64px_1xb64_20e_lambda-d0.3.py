# SwiMDiff, diffusion weight sweep (chosen on the probe's validation split, never on test):
# lambda_d = 0.3. Everything else is swimdiff_resnet18_aid150_64px_1xb64_20e.py (lambda_d 1).
_base_ = ['./swimdiff_resnet18_aid150_64px_1xb64_20e.py']
model = dict(lambda_d=0.3)
