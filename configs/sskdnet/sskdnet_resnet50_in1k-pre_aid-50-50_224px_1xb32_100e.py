# SSKDNet, ImageNet ResNet-50, full-size AID 50% train / 50% test (seed 0), 224 px, 100 epochs.
_base_ = ['./sskdnet_resnet50_in1k-pre_aid-20-80_224px_1xb32_100e.py']
train_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_train.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/aid/50-50_seed0_test.txt'))
