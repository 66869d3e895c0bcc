# UC Merced Land Use (21 classes, 256 px TIFFs) at 224 px: aid_bs32_224px.py's pipelines,
# batches and metrics on `$RSZOO_DATA_ROOT/UCMerced_LandUse/Images`; default split 80%
# train / 20% test, seed 0 (splits/ucmerced/, see configs/sskdnet/README.md).
_base_ = ['./aid_bs32_224px.py']
dataset_type = 'UCMerced'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/UCMerced_LandUse/Images'
train_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, split_file='splits/ucmerced/80-20_seed0_train.txt'))
test_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, split_file='splits/ucmerced/80-20_seed0_test.txt'))
