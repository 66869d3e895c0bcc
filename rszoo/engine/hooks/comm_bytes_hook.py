"""Log the bytes a DDP communication hook sent per training step.

For a model wrapped by ``CommHookDDP`` (``rszoo.engine.comm_hooks``; RS-DGC,
Xie et al., arXiv 2312.17530, and its peers), after every training iteration
this hook puts the state's figures of that step into the message hub, where
mmengine's ``LoggerHook`` picks them up like the loss (averaged over its
window):

- ``train/comm_bytes``: bytes this process handed to the gradient
  collectives (values + indices + side information, their real dtypes);
- ``train/comm_compression``: the dense bucket bytes over ``comm_bytes``.

Before training it tells the state the run's iteration, so a resumed run
continues the hook's start/warm-up schedule where it stopped (the local
error-feedback residuals are not checkpointed and start from zero). Without a
``comm_state`` (a single-process run, DDP without a hook) it does nothing.
"""
from mmengine.hooks import Hook

from rszoo.registry import HOOKS


@HOOKS.register_module()
class CommBytesHook(Hook):
    """Put ``model.comm_state.comm_stats()`` into the message hub each iteration.

    Args:
        prefix (str): scalar names are ``train/{prefix}_bytes`` and
            ``train/{prefix}_compression``.
    """

    priority = 'NORMAL'  # before LoggerHook (BELOW_NORMAL) in after_train_iter

    def __init__(self, prefix: str = 'comm'):
        if not isinstance(prefix, str) or not prefix:
            raise ValueError(f'prefix must be a non-empty str, got {prefix!r}')
        self.prefix = prefix

    @staticmethod
    def comm_state(runner):
        """The wrapper's ``comm_state`` or None."""
        return getattr(runner.model, 'comm_state', None)

    def before_train(self, runner) -> None:
        state = self.comm_state(runner)
        if state is None:
            runner.logger.info('CommBytesHook: the model has no DDP communication hook '
                               '(model_wrapper_cfg type CommHookDDP with comm_hook); '
                               'nothing is logged.')
            return
        state.set_iter(runner.iter)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        state = self.comm_state(runner)
        if state is None:
            return
        stats = state.comm_stats()
        runner.message_hub.update_scalar(f'train/{self.prefix}_bytes', stats['bytes'])
        runner.message_hub.update_scalar(f'train/{self.prefix}_compression',
                                         stats['compression'])
