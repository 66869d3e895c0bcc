# RS-DGC (arXiv 2312.17530): entries chosen by the Neighbourhood Statistical Indicator
# |mu| + sigma over 3 x 3 windows of each weight gradient (as a matrix), layer-wise dynamic
# keep-fractions from the change of each layer's mean NSI (within 0.1-10x of the target, the
# target met on average), local error feedback; the top-k config's budget and warm-up.
_base_ = ['./rsdgc_2xb16_runtime_base.py']

model_wrapper_cfg = dict(
    comm_hook=dict(
        type='rsdgc',
        density=0.009,
        start_iter=0,
        warmup_iters=200,  # 4 epochs
        error_feedback=True,
        compress_vectors=False,
        neighbourhood=3,
        indicator='mean_std',
        std_weight=1.0,
        dynamic=True,
        ratio_range=(0.1, 10.0),
        change_momentum=0.9))
