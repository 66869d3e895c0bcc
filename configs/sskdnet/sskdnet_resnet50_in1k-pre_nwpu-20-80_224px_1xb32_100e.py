# SSKDNet, ImageNet ResNet-50, NWPU-RESISC45 (45 classes, 256 px JPEGs resized to 224)
# 20% train / 80% test (seed 0: the data set base's split), 100 epochs. Split files: see
# configs/sskdnet/README.md. The branch takes the head's class count.
_base_ = ['../_base_/models/sskdnet_resnet50_30cls.py', '../_base_/datasets/nwpu_resisc45_bs32_224px.py',
          '../_base_/schedules/sgd_nesterov_warmup-cosine_100e.py', '../_base_/default_runtime.py']
model = dict(data_preprocessor=dict(num_classes=45), head=dict(num_classes=45))
