# SSKDNet, ImageNet ResNet-50, UC Merced Land Use (21 classes, 256 px TIFFs resized to 224)
# 80% train / 20% test (seed 0: the data set base's split), 100 epochs. Split files: see
# configs/sskdnet/README.md. The branch takes the head's class count.
_base_ = ['../_base_/models/sskdnet_resnet50_30cls.py', '../_base_/datasets/ucmerced_bs32_224px.py',
          '../_base_/schedules/sgd_nesterov_warmup-cosine_100e.py', '../_base_/default_runtime.py']
model = dict(data_preprocessor=dict(num_classes=21), head=dict(num_classes=21))
