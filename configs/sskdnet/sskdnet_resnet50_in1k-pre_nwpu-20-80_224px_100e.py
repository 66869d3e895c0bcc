# SSKDNet, ImageNet ResNet-50, NWPU-RESISC45 (45 classes, 256 px JPEGs resized to 224)
# 20% train / 80% test (seed 0), 100 epochs. Split files: see configs/sskdnet/README.md.
_base_ = ['./sskdnet_resnet50_in1k-pre_aid-20-80_224px_100e.py']
num_classes = 45
model = dict(
    data_preprocessor=dict(num_classes=45),
    head=dict(num_classes=45),
    branch=dict(num_classes=45))
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/NWPU-RESISC45'
train_dataloader = dict(
    dataset=dict(
        type='NWPU_RESISC45', data_root=data_root,
        split_file='splits/nwpu_resisc45/20-80_seed0_train.txt'))
val_dataloader = dict(
    dataset=dict(
        type='NWPU_RESISC45', data_root=data_root,
        split_file='splits/nwpu_resisc45/20-80_seed0_test.txt'))
test_dataloader = val_dataloader
