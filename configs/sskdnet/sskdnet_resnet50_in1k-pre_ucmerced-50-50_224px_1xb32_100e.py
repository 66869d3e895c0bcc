# SSKDNet, ImageNet ResNet-50, UC Merced Land Use (21 classes, 256 px TIFFs resized to 224)
# 50% train / 50% test (seed 0), 100 epochs: the 80/20 config with the 50/50 split files.
_base_ = ['./sskdnet_resnet50_in1k-pre_ucmerced-80-20_224px_1xb32_100e.py']
train_dataloader = dict(dataset=dict(split_file='splits/ucmerced/50-50_seed0_train.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/ucmerced/50-50_seed0_test.txt'))
