# The lean refit (cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e_lean.py)
# with its images loaded in the training process (num_workers=0) instead of two forked loader
# workers. Nothing of the recipe changes; only where the pipeline runs, and so which random
# numbers it draws (the main process's generators, re-seeded every epoch by RNGStateHook).
# Why: on the 2-core machine the recipe is for, two workers that restart every epoch
# (persistent_workers=False, kept for an exact resume) make every training step slower:
# after each fork the training process pays copy-on-write page faults on its heap and the
# workers compete for the two cores, while the pipeline in this process costs 16-19 ms per
# batch of 32 against a 512-616 ms step (benchmarks/results.jsonl; README, "The lean recipe").
_base_ = ['./cpu-recipe_efficientnet-lite2_in1k-pre_aid150-20-80_150px_1xb32_24e_lean.py']
# persistent_workers stays False, as inherited (no workers to keep)
train_dataloader = dict(num_workers=0)
test_dataloader = dict(num_workers=0)
