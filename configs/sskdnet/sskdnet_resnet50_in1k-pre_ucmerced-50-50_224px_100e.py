# SSKDNet, ImageNet ResNet-50, UC Merced Land Use (21 classes, 256 px TIFFs resized to 224)
# 50% train / 50% test (seed 0), 100 epochs. Split files: see configs/sskdnet/README.md.
_base_ = ['./sskdnet_resnet50_in1k-pre_aid-20-80_224px_100e.py']
num_classes = 21
model = dict(
    data_preprocessor=dict(num_classes=21),
    head=dict(num_classes=21),
    branch=dict(num_classes=21))
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/UCMerced_LandUse/Images'
train_dataloader = dict(
    dataset=dict(
        type='UCMerced', data_root=data_root,
        split_file='splits/ucmerced/50-50_seed0_train.txt'))
val_dataloader = dict(
    dataset=dict(
        type='UCMerced', data_root=data_root,
        split_file='splits/ucmerced/50-50_seed0_test.txt'))
test_dataloader = val_dataloader
