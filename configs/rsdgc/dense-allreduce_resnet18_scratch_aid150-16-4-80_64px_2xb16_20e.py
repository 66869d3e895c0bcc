# The uncompressed peer: dense all-reduce of every gradient bucket (DDP's own exchange,
# through rszoo's counting hook), 2 processes x 16. Compression ratio 1.
_base_ = ['./rsdgc_2xb16_runtime_base.py']

model_wrapper_cfg = dict(comm_hook=dict(type='allreduce'))
