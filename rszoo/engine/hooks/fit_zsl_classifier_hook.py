"""Fit a zero-shot model's data-dependent parts on the training features: its
feature scaler before training, and its final classifier(s) at the end of each
validation interval, before the checkpoint is written, so validation,
checkpoints and ``tools/test.py`` all use classifiers fitted to the current
encoders (CADA-VAE / MCFA fit softmax classifiers on latent samples once the
VAEs are trained; MCFA's code also min-max scales the visual features with a
scaler fitted on the seen-class training features)."""
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from rszoo.registry import HOOKS


@HOOKS.register_module()
class FitZSLClassifierHook(Hook):
    """With the training data set's ``features`` (N, D) and ``labels`` (N,)
    (``ZSLFeatureDataset``: the seen classes' training features):

    - ``before_train``: ``model.fit_feature_scaler(features, labels)`` when the
      model has one (MCFA; refitting on resume gives the same scaler);
    - ``after_train_epoch``: ``model.fit_classifier(features, labels, seed)``.

    Its priority (``ABOVE_NORMAL``) puts it before ``CheckpointHook``
    (``VERY_LOW``) in ``after_train_epoch``.

    Args:
        seed (int): seed of the classifier's latent samples and training;
            epoch ``e`` uses ``seed + e``. Defaults to 0.
        interval (int, optional): fit every ``interval`` epochs and after the
            last one; defaults to the train loop's ``val_interval``, so every
            validation sees a fitted classifier and no fit is wasted, and, in a
            run with no validation loop (the zoo's ZSL configs: the last epoch is
            tested once), to fitting after the last epoch only.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, seed: int = 0, interval=None):
        self.seed = seed
        self.interval = interval

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    @staticmethod
    def _training_data(runner):
        dataset = runner.train_dataloader.dataset
        if not hasattr(dataset, 'features') or not hasattr(dataset, 'labels'):
            raise TypeError(f'FitZSLClassifierHook: the training data set '
                            f'{type(dataset).__name__} has no features/labels arrays '
                            '(use ZSLFeatureDataset)')
        return torch.from_numpy(dataset.features), torch.from_numpy(dataset.labels)

    def before_train(self, runner) -> None:
        model = self._model(runner)
        if hasattr(model, 'fit_feature_scaler'):
            features, labels = self._training_data(runner)
            model.fit_feature_scaler(features, labels)
            runner.logger.info(f'FitZSLClassifierHook: feature scaler fitted on '
                               f'{len(features)} seen-class training features')

    def _fit(self, runner) -> None:
        features, labels = self._training_data(runner)
        loss = self._model(runner).fit_classifier(features, labels,
                                                  seed=self.seed + runner.epoch)
        text = (', '.join(f'{k} {v:.4f}' for k, v in loss.items()) if isinstance(loss, dict)
                else f'{loss:.4f}')
        runner.logger.info(f'FitZSLClassifierHook: latent classifier(s) fitted '
                           f'(final loss {text})')

    def after_train_epoch(self, runner) -> None:
        interval = self.interval
        if interval is None and runner.val_loop is not None:
            interval = getattr(runner.train_loop, 'val_interval', 1) or 1
        if (interval and self.every_n_epochs(runner, interval)) or \
                self.is_last_train_epoch(runner):
            self._fit(runner)
