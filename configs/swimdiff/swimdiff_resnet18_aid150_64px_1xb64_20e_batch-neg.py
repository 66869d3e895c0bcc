# SwiMDiff ablation that isolates the in-batch negatives: MoCo v2's loss plus the other keys
# of the batch as negatives (scene-grouped batches: 3 same-scene tiles per query among
# them), no scene matching, no diffusion term. Against mocov2_..._20e.py it measures what the
# batch candidates alone do; against ..._no-diffusion.py what matching adds to them.
_base_ = ['./swimdiff_resnet18_aid150_64px_1xb64_20e.py']
model = dict(scene_matching='none', batch_negatives=True, lambda_d=0.0)
