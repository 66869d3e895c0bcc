"""Helpers of the comm-hook tests: a stand-in for DDP's ``GradBucket``, a
one-process gloo group, reference implementations written with plain loops,
and the two-process workers (spawned, so they live in an importable module)."""
import copy
import json
import os

import torch
import torch.distributed as dist
from torch import nn


class FakeBucket:
    """What the hooks read of ``torch.distributed.GradBucket``: a flat buffer,
    the parameters and their gradients as views of the buffer."""

    def __init__(self, params, grads, index=0, last=True):
        self._buffer = torch.cat([g.reshape(-1) for g in grads]).clone()
        self._params = list(params)
        self._grads, offset = [], 0
        for g in grads:
            self._grads.append(self._buffer[offset:offset + g.numel()].view(g.shape))
            offset += g.numel()
        self._index, self._last = index, last

    def buffer(self):
        return self._buffer

    def gradients(self):
        return self._grads

    def parameters(self):
        return self._params

    def index(self):
        return self._index

    def is_last(self):
        return self._last


_GROUP = []


def single_process_group():
    """A gloo group of one process, without touching the default group; one for
    the whole session (creating and dropping many gloo groups in one process
    aborted it now and then, in a gloo thread)."""
    if not _GROUP:
        _GROUP.append(dist.ProcessGroupGloo(dist.HashStore(), 0, 1))
    return _GROUP[0]


def reference_nsi(matrix, p=3, std_weight=1.0):
    """``|mu| + lambda * sigma`` over each entry's p x p window (entries inside
    the matrix only), by loops over the windows."""
    rows, cols = matrix.shape
    out = torch.empty(rows, cols, dtype=torch.float64)
    r = p // 2
    m = matrix.to(torch.float64)
    for i in range(rows):
        for j in range(cols):
            window = m[max(0, i - r):i + r + 1, max(0, j - r):j + r + 1].reshape(-1)
            mean = window.mean()
            std = (window.pow(2).mean() - mean ** 2).clamp(min=0).sqrt()
            out[i, j] = mean.abs() + std_weight * std
    return out


def top_set(scores, k):
    """Flat positions of the k largest scores, checking the k-th is unambiguous."""
    flat = scores.reshape(-1)
    order = torch.argsort(flat, descending=True)
    assert flat[order[k - 1]] > flat[order[k]], 'a tie at the selection boundary'
    return set(order[:k].tolist())


# ------------------------------------------------------------- two processes
#: Linear(16, 8) -> Tanh -> Linear(8, 4): weights of 128 and 32 entries, biases of 8 and 4;
#: every parameter in a bucket of its own (bucket_cap_mb tiny), so a step has 4 buckets
BATCH, STEPS = 4, 3
DENSITY = 0.1
HOOK_CONFIGS = {
    'allreduce': dict(type='allreduce'),
    'topk': dict(type='topk', density=DENSITY),
    'rsdgc': dict(type='rsdgc', density=DENSITY, change_momentum=0.5),
    'powersgd': dict(type='powersgd', matrix_approximation_rank=1, start_powerSGD_iter=2),
}


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 4))


def _inputs(rank, step):
    g = torch.Generator().manual_seed(1000 * rank + step)
    return torch.randn(BATCH, 16, generator=g)


def _local_grads(model, x):
    model.zero_grad()
    (model(x) ** 2).sum().backward()
    return {n: p.grad.detach().clone() for n, p in model.named_parameters()}


def reference_sparse(kind, local, cfg):
    """Expected averaged gradients and bytes per step of top-k / RS-DGC, written
    from the method's description with loops (``reference_nsi``) and the
    keep-fraction rule of ``dynamic_ratio``: each rank keeps round(rho_l * n_l)
    entries of its error-fed weight gradient (|v| or the NSI), vectors and
    matrices whose sparse form is not smaller go dense, ranks are averaged.

    Args:
        local: ``local[rank][step][name]``, the ranks' own gradients.
    Returns:
        list of (dict of averaged gradients, bytes sent by one rank) per step.
    """
    from rszoo.engine.comm_hooks.dynamic_ratio import allocate_densities, update_change
    world, names = len(local), list(local[0][0])
    matrices = [n for n in names if local[0][0][n].dim() >= 2]
    residual = [{n: torch.zeros(local[0][0][n].numel(), dtype=torch.float64) for n in names}
                for _ in range(world)]
    mass, change, out = {}, {}, []
    for step in range(len(local[0])):
        numel = {n: local[0][0][n].numel() for n in names}
        if kind == 'rsdgc' and cfg.get('dynamic', True):
            fractions = allocate_densities([numel[n] for n in matrices],
                                           [change.get(n) for n in matrices],
                                           cfg['density'], cfg.get('ratio_range', (0.1, 10.0)))
        else:
            fractions = [cfg['density']] * len(matrices)
        k = {n: min(numel[n], max(1, int(round(f * numel[n]))))
             for n, f in zip(matrices, fractions)}
        sparse = {n: n in k and k[n] * 8 < numel[n] * 4 for n in names}
        total = {n: torch.zeros(numel[n], dtype=torch.float64) for n in names}
        masses = {n: [] for n in names}
        nbytes = 0
        for r in range(world):
            for n in names:
                v = local[r][step][n].reshape(-1).to(torch.float64) + residual[r][n]
                if not sparse[n]:
                    total[n] += v
                    residual[r][n] = torch.zeros_like(v)
                    nbytes += 4 * numel[n] if r == 0 else 0
                    continue
                shape = local[r][step][n].shape
                scores = v.abs() if kind == 'topk' else \
                    reference_nsi(v.view(shape[0], -1)).reshape(-1)
                keep = sorted(top_set(scores, k[n]))
                sent = torch.zeros_like(v)
                sent[keep] = v[keep]
                residual[r][n] = v - sent
                total[n] += sent
                masses[n].append(scores.mean().item())
                nbytes += (8 * k[n] + (4 if kind == 'rsdgc' else 0)) if r == 0 else 0
        for n in names:
            if masses[n]:
                m = sum(masses[n]) / world
                change[n] = update_change(mass.get(n), m, change.get(n),
                                          cfg.get('change_momentum', 0.9))
                mass[n] = m
        out.append(({n: (total[n] / world).view(local[0][0][n].shape) for n in names},
                    nbytes))
    return out


def ddp_worker(rank, world_size, init_file, out_dir):
    """Per hook type: the model in CommHookDDP built from a config dict (4
    buckets), three steps on rank-specific inputs (parameters fixed: no
    optimizer); the DDP gradients, the ranks' own gradients and the bytes
    counted are written to ``out_dir``."""
    torch.set_num_threads(1)
    from mmengine.registry import DefaultScope

    import rszoo.engine  # noqa: F401  (registers CommHookDDP)
    from rszoo.registry import MODEL_WRAPPERS
    DefaultScope.get_instance('rszoo-comm-hook-test', scope_name='rszoo')
    dist.init_process_group('gloo', init_method=f'file://{init_file}', rank=rank,
                            world_size=world_size)
    results = {}
    try:
        for kind, cfg in HOOK_CONFIGS.items():
            model = make_model()
            reference = copy.deepcopy(model)
            ddp = MODEL_WRAPPERS.build(
                dict(type='CommHookDDP', comm_hook=copy.deepcopy(cfg), broadcast_buffers=False,
                     bucket_cap_mb=1e-6),
                default_args=dict(module=model))
            steps = []
            for step in range(STEPS):
                x = _inputs(rank, step)
                ddp.zero_grad()
                (ddp(x) ** 2).sum().backward()
                grads = {n: p.grad.detach().clone() for n, p in ddp.module.named_parameters()}
                local = _local_grads(reference, x)
                gathered = [None] * world_size
                dist.all_gather_object(gathered, (grads, local))
                stats = ddp.comm_state.comm_stats()
                steps.append(dict(
                    ddp=[{n: g.tolist() for n, g in gr.items()} for gr, _ in gathered],
                    local=[{n: g.tolist() for n, g in lo.items()} for _, lo in gathered],
                    bytes=stats['bytes'], dense_bytes=stats['dense_bytes'],
                    iter=ddp.comm_state.iter,
                    densities=[getattr(ddp.comm_state, 'last_densities', {}).get(id(p))
                               for p in ddp.module.parameters()]))
            results[kind] = dict(type=type(ddp).__name__, steps=steps)
            del ddp
        with open(os.path.join(out_dir, f'rank{rank}.json'), 'w') as f:
            json.dump(results, f)
    finally:
        dist.destroy_process_group()


def local_grads_of(result):
    """``local[rank][step][name]`` tensors from a worker's result of one kind."""
    return [[{n: torch.tensor(g) for n, g in step['local'][r].items()}
             for step in result['steps']] for r in range(len(result['steps'][0]['local']))]
