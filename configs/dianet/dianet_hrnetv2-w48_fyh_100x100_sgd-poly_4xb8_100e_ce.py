# The authors' released FYH recipe trains with OHEM cross-entropy whose min_kept
# (131072) exceeds the pixels of a batch (80,000), so every pixel is kept: plain CE.
# This is that ablation of the distribution-aware (ACW) loss; all else identical.
_base_ = ['./dianet_hrnetv2-w48_fyh_100x100_sgd-poly_4xb8_100e.py']

model = dict(decode_head=dict(loss_decode=dict(_delete_=True, type='SegCrossEntropyLoss',
                                               ignore_index=255, loss_name='loss_ce')))
