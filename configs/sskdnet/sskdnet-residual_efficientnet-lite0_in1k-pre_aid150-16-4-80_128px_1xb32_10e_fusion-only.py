# Diagnostic of the SSKDNet redesign (issue 18): the residual stage fusion alone. The baseline
# (configs/baseline/efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_10e.py, a plain
# ImageClassifier) with the redesign's ResidualStageFusion neck in place of global average
# pooling: no self-supervised branch, no distillation. Compared with the baseline it measures
# the fusion; compared with the full redesign, what the branch and KD add on top of it.
_base_ = ['../baseline/efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_10e.py']

model = dict(
    # layers 2, 3, 5, 8 of Lite0 at 128 px: (24, 32x32), (40, 16x16), (112, 8x8), (1280, 4x4)
    backbone=dict(out_indices=(2, 3, 5, 8)),
    neck=dict(_delete_=True, type='ResidualStageFusion', in_channels=(24, 40, 112, 1280)))
