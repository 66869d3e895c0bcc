# The published SSKDNet checkpoint:
# sskdnet-residual_efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_20e_kd-weight0.1.py
# (the chosen design, KD weight 0.1, 20 epochs)
# trained with seed 2 on the seed-2 AID-150px 16/4/80 split (of its 3 seeds, the best on
# the validation split), its best validation epoch, exported by
# tools/model_converters/sskdnet_to_deploy.py as the branch-free ImageClassifier of SSKDNet's
# test path (backbone -> ResidualStageFusion -> head; the self-supervised branch, the masking and
# the KD loss exist only in training; a test checks this model is SSKDNet.deploy_model_cfg of
# the training config's). This config evaluates the published file:
#   python tools/test.py THIS_CONFIG weights/<published file>.pth
_base_ = ['./sskdnet-residual_efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_20e_kd-weight0.1.py']

model = dict(
    _delete_=True,
    type='ImageClassifier',
    data_preprocessor=_base_.model.data_preprocessor,
    backbone=_base_.model.backbone,
    neck=_base_.model.neck,
    head=_base_.model.head,
)

# seed 2: training seed and split (tools/analysis/multi_seed.py --seeds 2)
randomness = dict(seed=2)
train_dataloader = dict(dataset=dict(split_file='splits/aid_val04/20-80_seed2_train.txt'))
val_dataloader = dict(dataset=dict(split_file='splits/aid_val04/20-80_seed2_val.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/aid_val04/20-80_seed2_test.txt'))
