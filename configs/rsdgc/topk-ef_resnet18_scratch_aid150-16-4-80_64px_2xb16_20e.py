# Top-k with error feedback (DGC's sparsifier, no momentum correction), the same budget as
# RS-DGC: 0.9 % of each weight matrix (int32 index + float32 value), vectors dense, keep-fraction
# falling from 1 to 0.009 over the first 4 epochs: about 53x fewer bytes than dense afterwards.
_base_ = ['./rsdgc_2xb16_runtime_base.py']

model_wrapper_cfg = dict(
    comm_hook=dict(
        type='topk',
        density=0.009,
        start_iter=0,
        warmup_iters=200,  # 4 epochs
        error_feedback=True,
        compress_vectors=False))
