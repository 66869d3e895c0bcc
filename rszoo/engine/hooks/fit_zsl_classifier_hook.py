"""Fit a zero-shot model's final classifier on the training features at the end
of each training epoch, before the checkpoint is written, so validation,
checkpoints and ``tools/test.py`` all use a classifier fitted to the current
encoders (CADA-VAE / MCFA fit a softmax classifier on latent samples once the
VAEs are trained)."""
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from rszoo.registry import HOOKS


@HOOKS.register_module()
class FitZSLClassifierHook(Hook):
    """Calls ``model.fit_classifier(features, labels, seed)`` with the training
    data set's ``features`` (N, D) and ``labels`` (N,) (``ZSLFeatureDataset``).

    Its priority (``ABOVE_NORMAL``) puts it before ``CheckpointHook``
    (``VERY_LOW``) in ``after_train_epoch``.

    Args:
        seed (int): seed of the classifier's latent samples and training;
            epoch ``e`` uses ``seed + e``. Defaults to 0.
        interval (int, optional): fit every ``interval`` epochs and after the
            last one; defaults to the train loop's ``val_interval``, so every
            validation sees a fitted classifier and no fit is wasted.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, seed: int = 0, interval=None):
        self.seed = seed
        self.interval = interval

    def _fit(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        dataset = runner.train_dataloader.dataset
        if not hasattr(dataset, 'features') or not hasattr(dataset, 'labels'):
            raise TypeError(f'FitZSLClassifierHook: the training data set '
                            f'{type(dataset).__name__} has no features/labels arrays '
                            '(use ZSLFeatureDataset)')
        loss = model.fit_classifier(torch.from_numpy(dataset.features),
                                    torch.from_numpy(dataset.labels),
                                    seed=self.seed + runner.epoch)
        runner.logger.info(f'FitZSLClassifierHook: latent classifier fitted '
                           f'(final loss {loss:.4f})')

    def after_train_epoch(self, runner) -> None:
        interval = self.interval or getattr(runner.train_loop, 'val_interval', 1) or 1
        if self.every_n_epochs(runner, interval) or self.is_last_train_epoch(runner):
            self._fit(runner)
