"""Kill trainings around checkpoint saves; used by ``test_atomic_checkpoint_hook.py``.

    python checkpoint_kill_driver.py OUT_DIR HOOK_TYPE

Imports torch/mmengine once, then runs every trial in a forked child that
trains a toy model with the real mmengine ``Runner`` (epoch-based, a checkpoint
every epoch, ``max_keep_ckpts=1``, ``backend='atomic_local'``) and is killed
with SIGKILL

* ``op`` trials: just before / just after the n-th ``os.fsync``, ``os.replace``
  or ``os.remove`` made by the checkpoint hook, for every such call of the
  second save (the first one that also removes an outdated checkpoint);
* ``random`` trials: after a random delay once the first checkpoint exists.

After each kill the work dir is inspected (``last_checkpoint`` names a file
that loads with ``weights_only=True``; every ``epoch_*.pth`` loads), then a
child resumes from it (``resume=True``) for one more epoch. One child runs
without a kill under umask 027 and records the order of the file operations
of its saves. Prints one JSON object.
"""
import glob
import json
import os
import os.path as osp
import random
import signal
import sys
import time

os.environ.setdefault('OMP_NUM_THREADS', '1')

import torch  # noqa: E402
from mmengine.model import BaseModel  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from torch import nn  # noqa: E402

import rszoo.engine  # noqa: E402,F401  (registers the hooks)
import rszoo.fileio  # noqa: E402,F401  (registers the atomic_local backend)
from rszoo.utils.compat import (allow_mmengine_checkpoint_globals,  # noqa: E402
                                load_from_local, route_checkpoint_loading,
                                skip_mmpretrain_multimodal)

torch.set_num_threads(1)
# the stack fixes this run needs, without importing every model
allow_mmengine_checkpoint_globals()
route_checkpoint_loading()
skip_mmpretrain_multimodal()
# mmengine's environment report runs compilers in subprocesses: seconds per Runner
Runner._log_env = lambda self, *args, **kwargs: None

OPS = ('fsync', 'replace', 'remove')
KEEP = 1


class Toy(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.drop = nn.Dropout(0.5)

    def forward(self, inputs, labels=None, mode='tensor'):
        out = self.fc(self.drop(inputs))
        if mode == 'loss':
            return dict(loss=nn.functional.cross_entropy(out, labels))
        return out


class ToyData(torch.utils.data.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return dict(inputs=torch.randn(4, generator=g), labels=i % 2)


def train(work_dir, hook_type, epochs, resume=False):
    runner = Runner(
        model=Toy(), work_dir=work_dir,
        train_dataloader=dict(dataset=ToyData(), batch_size=4, num_workers=0,
                              sampler=dict(type='DefaultSampler', shuffle=True),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
        train_cfg=dict(by_epoch=True, max_epochs=epochs),
        default_hooks=dict(
            checkpoint=dict(type=hook_type, interval=1, max_keep_ckpts=KEEP,
                            backend_args=dict(backend='atomic_local')),
            logger=dict(type='LoggerHook', interval=1000)),
        custom_hooks=[dict(type='RNGStateHook')],
        default_scope='rszoo', resume=resume, log_level='ERROR',
        randomness=dict(seed=0),
        experiment_name=f'toy_{os.getpid()}_{time.time_ns()}')
    runner.train()


def arm(hook_type, op=None, when=None, n=None, log=None):
    """In the child: count ``os.<op>`` calls made while the hook saves, and
    SIGKILL this process before/after the n-th; or log every operation."""
    from rszoo.registry import HOOKS
    hook_cls = HOOKS.get(hook_type)
    state = dict(saving=False, count=0)
    original_save = hook_cls._save_checkpoint_with_step

    def save(self, runner, step, meta):
        if log is not None:
            log.append(['save', step])
        state['saving'] = True
        try:
            return original_save(self, runner, step, meta)
        finally:
            state['saving'] = False
    hook_cls._save_checkpoint_with_step = save

    for name in OPS:
        real = getattr(os, name)

        def wrapper(*args, _name=name, _real=real, **kwargs):
            if not state['saving']:
                return _real(*args, **kwargs)
            if log is not None:
                target = args[-1] if _name != 'fsync' else args[0]
                log.append([_name, osp.basename(str(target)) if _name != 'fsync' else ''])
            hit = False
            if _name == op:
                state['count'] += 1
                hit = state['count'] == n
            if hit and when == 'before':
                os.kill(os.getpid(), signal.SIGKILL)
            result = _real(*args, **kwargs)
            if hit and when == 'after':
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        setattr(os, name, wrapper)


def in_child(fn):
    """Run ``fn`` in a forked child; return how it ended."""
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            fn()
        except BaseException as error:  # report, never run the parent's code
            print(f'child error: {error!r}', file=sys.stderr, flush=True)
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return status


def killed(status):
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def inspect(work_dir):
    """What a later ``--resume`` finds: the checkpoint ``last_checkpoint`` names."""
    report = dict(ok=False, named=None, epoch=None, error=None,
                  files=sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, '*.pth'))))
    pointer = osp.join(work_dir, 'last_checkpoint')
    try:
        for path in glob.glob(osp.join(work_dir, 'epoch_*.pth')):
            load_from_local(path)  # no truncated checkpoint under a real name
        if not osp.isfile(pointer):
            raise FileNotFoundError('no last_checkpoint')
        with open(pointer) as f:
            named = f.read().strip()
        report['named'] = osp.basename(named)
        checkpoint = load_from_local(named)
        report['epoch'] = checkpoint['meta']['epoch']
        assert 'state_dict' in checkpoint and 'optimizer' in checkpoint
        report['ok'] = True
    except Exception as error:
        report['error'] = f'{type(error).__name__}: {error}'
    return report


def resume_one_more_epoch(work_dir, hook_type, epoch):
    status = in_child(lambda: train(work_dir, hook_type, epoch + 1, resume=True))
    after = inspect(work_dir)
    return dict(status=status, epoch=after['epoch'], files=after['files'])


def main():
    out_dir, hook_type = sys.argv[1], sys.argv[2]
    results = dict(trials=[])
    start = time.time()
    # one run in this process first: mmengine imports much lazily (datasets,
    # matplotlib); the forked children then start warm
    train(osp.join(out_dir, 'warm-up'), hook_type, 1)
    Toy()  # in the scope the first Runner made: imports rszoo.models
    results['warm_up_seconds'] = round(time.time() - start, 1)

    # a full run without a kill: the order of the file operations, the modes
    work_dir = osp.join(out_dir, 'clean')
    log = []

    def clean():
        os.umask(0o027)
        arm(hook_type, log=log)
        train(work_dir, hook_type, 3)
        with open(osp.join(work_dir, 'ops.json'), 'w') as f:
            json.dump(log, f)
    results['clean_status'] = in_child(clean)
    with open(osp.join(work_dir, 'ops.json')) as f:
        results['clean_ops'] = json.load(f)
    results['clean_modes'] = {
        name: oct(os.stat(osp.join(work_dir, name)).st_mode & 0o777)
        for name in ('epoch_3.pth', 'last_checkpoint')}
    results['clean'] = inspect(work_dir)

    # the kills hit every file operation of the second save (the first one
    # that also removes an outdated checkpoint)
    saves, current = [], None
    for name, arg in results['clean_ops']:
        if name == 'save':
            current = []
            saves.append(current)
        else:
            current.append(name)
    results['ops_per_save'] = saves
    cases = []
    for op in OPS:
        before = saves[0].count(op)
        for n in range(before + 1, before + saves[1].count(op) + 1):
            for when in ('before', 'after'):
                cases.append(dict(kind='op', op=op, when=when, n=n))
    rng = random.Random(0)
    cases += [dict(kind='random', delay=round(rng.uniform(0.0, 0.6), 3)) for _ in range(6)]

    for i, case in enumerate(cases):
        trial_start = time.time()
        work_dir = osp.join(out_dir, f'trial{i}')
        if case['kind'] == 'op':
            status = in_child(lambda: (arm(hook_type, case['op'], case['when'], case['n']),
                                       train(work_dir, hook_type, 3)))
        else:
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                try:
                    train(work_dir, hook_type, 10_000)
                finally:
                    os._exit(0)
            pointer = osp.join(work_dir, 'last_checkpoint')
            deadline = time.time() + 30
            while not osp.exists(pointer) and time.time() < deadline:
                time.sleep(0.01)
            time.sleep(case['delay'])
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        trial = dict(case, killed=killed(status), **inspect(work_dir))
        trial['kill_seconds'] = round(time.time() - trial_start, 2)
        if trial['ok']:
            trial['resumed'] = resume_one_more_epoch(work_dir, hook_type, trial['epoch'])
        trial['seconds'] = round(time.time() - trial_start, 2)
        results['trials'].append(trial)
    results['seconds'] = round(time.time() - start, 1)
    print(json.dumps(results))


if __name__ == '__main__':
    main()
