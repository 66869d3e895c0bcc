# The chosen SSKDNet design (KD weight 0.1) with a quarter of each batch through the
# self-supervised branch (branch_batch_ratio=0.25: the first 8 of 32 images are masked,
# shuffled, restored, classified by the branch and distilled from) instead of the whole batch:
# what the whole batch costs (about 2x the baseline's training time) and what it buys
# (issue 18: "if the whole batch through the branch costs more, say what it buys").
# Seed 0, the validation split decides, as for the other diagnostics (configs/sskdnet/README.md).
_base_ = ['./sskdnet-residual_efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_10e_kd-weight0.1.py']

model = dict(branch_batch_ratio=0.25)
