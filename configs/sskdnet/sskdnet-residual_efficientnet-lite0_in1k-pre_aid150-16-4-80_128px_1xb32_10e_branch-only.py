# Diagnostic of the SSKDNet redesign (issue 18): the self-supervised branch alone. The redesign
# with the baseline's global average pooling in place of the fusion neck and the distillation
# weight at 0: the backbone is shared by the student (clean images, CE) and the branch
# (masked + shuffled images: restoration and its own CE), nothing is distilled. Measures what
# training the backbone on the branch's tasks does to the plain classifier.
_base_ = ['./sskdnet-residual_efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_10e.py']

model = dict(
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    kd_loss=dict(loss_weight=0.0))
