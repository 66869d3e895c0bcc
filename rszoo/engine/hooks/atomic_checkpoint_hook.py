"""mmengine's ``CheckpointHook`` that never leaves a training without a checkpoint.

mmengine 0.10.7's ``CheckpointHook._save_checkpoint_with_step``

1. removes the oldest checkpoint first when ``max_keep_ckpts`` are kept,
2. then writes the new one,
3. then writes ``<work_dir>/last_checkpoint`` with a plain ``open()``.

With ``max_keep_ckpts=1`` a process killed during step 2 leaves no checkpoint
at all, and one killed during step 3 leaves an empty or truncated
``last_checkpoint`` (``--resume`` then finds nothing). This hook reorders and
hardens the steps:

1. the new checkpoint is written atomically (``backend='atomic_local'``, the
   default here for a local ``out_dir``: temp file, fsync, rename, fsync of the
   folder, see :mod:`rszoo.fileio`);
2. ``last_checkpoint`` is replaced atomically (:func:`rszoo.fileio.atomic_write_bytes`)
   to name it;
3. only then is the checkpoint that fell out of ``max_keep_ckpts`` removed.

So at every instant a complete checkpoint exists and ``last_checkpoint`` names
one. The checkpoint written in step 1 still lists the one removed in step 3
in its ``keep_ckpt_ids``, so a run resumed from it removes that file if the
killed process had not (mmengine trims the list in ``before_train``). The
best checkpoint (``save_best``) gets the same order: the previous best is
removed only after the new best is written.
"""
import os.path as osp
from typing import List

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from rszoo.fileio import atomic_write_bytes
from rszoo.registry import HOOKS


class _DeferredRemovals:
    """A file backend proxy that records ``remove``/``rmtree`` instead of
    doing them; everything else goes to the wrapped backend."""

    def __init__(self, backend, pending: List[str]):
        self._backend = backend
        self._pending = pending

    def remove(self, filepath) -> None:
        self._pending.append(filepath)

    def rmtree(self, dir_path) -> None:
        self._pending.append(dir_path)

    def __getattr__(self, name):
        return getattr(self._backend, name)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """``CheckpointHook`` whose saves keep the previous checkpoint until the
    new one and ``last_checkpoint`` are in place (see the module doc).

    Takes ``CheckpointHook``'s arguments; ``backend_args`` defaults to
    ``dict(backend='atomic_local')`` when no backend is given and ``out_dir``
    is local.
    """

    def __init__(self, *args, **kwargs):
        out_dir = kwargs.get('out_dir')
        if (kwargs.get('backend_args') is None and kwargs.get('file_client_args') is None
                and (out_dir is None or '://' not in str(out_dir))):
            kwargs['backend_args'] = dict(backend='atomic_local')
        super().__init__(*args, **kwargs)

    def _remove_checkpoints(self, paths) -> None:
        for path in paths:
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):
                # checkpoints saved by deepspeed are directories
                self.file_backend.rmtree(path)

    def _save_checkpoint_with_step(self, runner, step, meta):
        outdated = []
        if self.max_keep_ckpts > 0 and not (
                len(self.keep_ckpt_ids) > 0 and self.keep_ckpt_ids[-1] == step):
            # (_save_checkpoint and _save_best_checkpoint may both save `step`)
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            # the new checkpoint still lists the outdated one: a run resumed
            # from it removes that file if this process dies before doing so
            runner.message_hub.update_info('keep_ckpt_ids',
                                           outdated + list(self.keep_ckpt_ids))

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)

        runner.save_checkpoint(
            self.out_dir,
            ckpt_filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if outdated:
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))

        # model-parallel saves gather shards from every rank; only the main
        # process writes `last_checkpoint` and removes files
        if not is_main_process():
            return
        atomic_write_bytes(
            str(self.last_ckpt).encode('utf-8'), osp.join(runner.work_dir, 'last_checkpoint'))
        self._remove_checkpoints(
            self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old))
            for old in outdated)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        pending: List[str] = []
        backend = self.file_backend
        self.file_backend = _DeferredRemovals(backend, pending)
        try:
            super()._save_best_checkpoint(runner, metrics)
        finally:
            self.file_backend = backend
        # never remove what is current (a best checkpoint saved anew under
        # the same name)
        current = {str(self.last_ckpt), str(getattr(self, 'best_ckpt_path', None))}
        current.update(str(p) for p in getattr(self, 'best_ckpt_path_dict', {}).values())
        if pending and is_main_process():
            self._remove_checkpoints(p for p in pending if str(p) not in current)
