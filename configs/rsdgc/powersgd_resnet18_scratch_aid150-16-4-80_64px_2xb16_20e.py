# PowerSGD (PyTorch's built-in DDP hook, used as it is): rank-2 approximations of the weight
# matrices with error feedback and warm start, after 4 epochs of vanilla all-reduce.
_base_ = ['./rsdgc_2xb16_runtime_base.py']

model_wrapper_cfg = dict(
    comm_hook=dict(
        type='powersgd',
        matrix_approximation_rank=2,
        start_powerSGD_iter=200,  # 4 epochs
        min_compression_rate=2,
        use_error_feedback=True,
        warm_start=True))
