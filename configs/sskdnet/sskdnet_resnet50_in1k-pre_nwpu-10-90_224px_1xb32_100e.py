# SSKDNet, ImageNet ResNet-50, NWPU-RESISC45 (45 classes, 256 px JPEGs resized to 224)
# 10% train / 90% test (seed 0), 100 epochs: the 20/80 config with the 10/90 split files.
_base_ = ['./sskdnet_resnet50_in1k-pre_nwpu-20-80_224px_1xb32_100e.py']
train_dataloader = dict(dataset=dict(split_file='splits/nwpu_resisc45/10-90_seed0_train.txt'))
test_dataloader = dict(dataset=dict(split_file='splits/nwpu_resisc45/10-90_seed0_test.txt'))
