# NWPU-RESISC45 (45 classes, 256 px JPEGs) at 224 px: aid_bs32_224px.py's pipelines,
# batches and metrics on `$RSZOO_DATA_ROOT/NWPU-RESISC45`; default split 20% train /
# 80% test, seed 0 (splits/nwpu_resisc45/, see configs/sskdnet/README.md).
_base_ = ['./aid_bs32_224px.py']
dataset_type = 'NWPURESISC45'
data_root = '{{$RSZOO_DATA_ROOT:../shared/data}}/NWPU-RESISC45'
train_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, split_file='splits/nwpu_resisc45/20-80_seed0_train.txt'))
test_dataloader = dict(dataset=dict(
    type=dataset_type, data_root=data_root, split_file='splits/nwpu_resisc45/20-80_seed0_test.txt'))
