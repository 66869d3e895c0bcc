# The published lean refit checkpoint: cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e_lean.py
# (the lean CPU recipe trained on the whole 20 % share) with seed 0 on the seed-0 AID-150px 20/80
# split. Seed 0 was named for publishing before any seed had a result (a refit has no
# validation split to choose a seed on); its last epoch (no EMA in the lean recipe), stored in
# half precision by tools/model_converters/publish_model.py --fp16. Deployed as
# rszoo.apis.get_model builds it: one forward pass per image, no test-time flip (the flip is the
# Runner's PrepareTTAHook, which get_model does not run). This config evaluates the file:
#   python tools/test.py THIS_CONFIG weights/<published file>.pth
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e_lean.py']

test_dataloader = dict(dataset=dict(pipeline=_base_.test_pipeline))
custom_hooks = [h for h in _base_.custom_hooks if h.type != 'PrepareTTAHook']
