# A small DIAnet for CPU runs: the same parts as the paper-size model
# (dianet_hrnetv2-w48.py) at width 8 with one module of one block per stage:
# 0.24M parameters with 4 bands and 2 classes (vs 66.0M).
_base_ = ['./dianet_hrnetv2-w48.py']

model = dict(
    backbone=dict(base_channels=8, stage1_channels=8, stage1_blocks=1, num_modules=(1, 1, 1),
                  num_blocks=1),
    decode_head=dict(in_channels=(32, 8, 16, 32, 64)))
