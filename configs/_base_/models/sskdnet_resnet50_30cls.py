# SSKDNet on the ImageNet ResNet-50, 30-class head: sskdnet_resnet18_30cls.py with a
# pretrained ResNet-50, its channel counts, and the whole batch through the branch (the
# method as described).
_base_ = ['./sskdnet_resnet18_30cls.py']

model = dict(
    # the 4 stages at 224 px: (256, 56x56), (512, 28x28), (1024, 14x14), (2048, 7x7)
    backbone=dict(
        depth=50,
        init_cfg=dict(
            type='Pretrained',
            # a local file (nothing is downloaded at run time): mmpretrain's
            # resnet50_8xb32_in1k_20210831-ea4938fc.pth, placed by the user
            checkpoint='{{$RSZOO_RESNET50_IN1K:checkpoints/resnet50_8xb32_in1k_20210831-ea4938fc.pth}}',
            prefix='backbone')),
    neck=dict(in_channels=(256, 512, 1024, 2048)),
    # restore stage 1 (256 ch, H/4); attention map = channel mean of stage 4 (2048 ch, H/32)
    branch=dict(in_channels=2048, target_channels=256),
    branch_batch_ratio=1.0,  # the whole batch takes the branch (the method as described)
)
