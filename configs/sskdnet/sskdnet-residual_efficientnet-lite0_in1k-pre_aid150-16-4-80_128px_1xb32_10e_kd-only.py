# Diagnostic of the SSKDNet redesign (issue 18): distillation without the fusion and without
# the restoration task. The redesign with the baseline's global average pooling in place of
# the fusion neck and the restoration weight at 0: the branch only classifies the masked +
# shuffled images (the teacher) and distils into the student (KD ramped from 0 as in the
# redesign). With *_branch-only.py it separates the restoration task from the distillation.
_base_ = ['./sskdnet-residual_efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_10e.py']

model = dict(
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    branch=dict(loss_restore_weight=0.0))
