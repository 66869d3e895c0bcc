"""Record what Temporal Dual-Depth Scoring needs from a full-data training run.

TDDS (X. Zhang et al., "Spanning Training Progress: Temporal Dual-Depth Scoring
(TDDS) for Enhanced Dataset Pruning", CVPR 2024) scores each training sample from
its softmax outputs over the first ``T`` epochs of a normal training run: the
train-mode forward pass of the step that saw the sample (augmented input, before
that step's update), as the authors' code logs them. Its first depth only needs
consecutive epochs, so this hook keeps the reduced quantity instead of the
``T x N x C`` outputs: at the end of epoch ``t+1`` it computes, for every sample
``n``, the contribution

    c_t(n) = sum_c | p_{t+1,c}(n) (log(p_{t+1,c}(n) + eps) - log(p_{t,c}(n) + eps)) |

(:func:`rszoo.datasets.pruning.tdds_contribution`, in float64, stored as
float32), both with the absolute value (the authors' code) and without it (plain
KL), and keeps only the last epoch's ``(N, C)`` probabilities (float32) to compute
the next one. Memory: ``2 x N x C`` float32 plus ``2 x (E-1) x N`` float32 for
``E`` epochs. The windowed variability and the temporal weighting are computed
after training (``tools/dataset_converters/make_coreset.py``), so ``T``, ``W``
and ``beta`` can be chosen then.

Outputs are taken by a forward hook on a submodule whose output is the
``(B, C)`` logits (``module='head'``: mmpretrain's ``ClsHead.forward``), and
matched to samples by their data set index (``sample_idx``, set by mmengine's
``BaseDataset.get_data_info`` and packed by ``PackInputs``), so any sampler order
works. Each process keeps its own samples of the epoch; at the end of the epoch
they are gathered by index on every process (``all_gather_object``). A sample
seen twice in one epoch (a padded distributed sampler) keeps its last output.

Saved after every epoch, on rank 0, to ``<work_dir>/<out_file>`` (``.npz``, see
:func:`load_tdds_trajectory`), and in every checkpoint under
``checkpoint['tdds_trajectory']`` (with the last probabilities), so ``--resume``
continues the recording.
"""
import io
import logging
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmengine.dist import all_gather_object, is_main_process
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop

from rszoo.datasets.pruning import TDDS_EPS, dataset_fingerprint, tdds_contribution
from rszoo.fileio import atomic_write_bytes
from rszoo.registry import HOOKS

#: the ``format`` entry of a trajectory file / checkpoint state
TRAJECTORY_FORMAT = 'rszoo-tdds-trajectory'
#: the version this code writes and reads
TRAJECTORY_VERSION = 1
#: the checkpoint key of the recorded state
CHECKPOINT_KEY = 'tdds_trajectory'
#: the arrays of a trajectory (file and checkpoint), with their shapes
TRAJECTORY_ARRAYS = {
    'contribution_abs': '(E-1, N) float32: c_t with |.| on each class term',
    'contribution_kl': '(E-1, N) float32: c_t without |.| (KL(p_{t+1} || p_t))',
    'seen': '(E, N) bool: sample n was seen in epoch t',
    'labels': '(N,) int64: gt_label of sample n (-1: never seen)',
}


@HOOKS.register_module()
class TDDSTrajectoryHook(Hook):
    """Record every training sample's TDDS contributions, epoch by epoch.

    Needs an epoch-based loop and a training data set that is a plain
    ``BaseDataset`` (not a wrapper), whose ``sample_idx`` is the index recorded.

    Args:
        module (str): dotted path, in the (unwrapped) model, of the submodule
            whose forward output is the ``(B, C)`` logits of the training batch,
            called once per training iteration. Defaults to ``'head'``.
        out_file (str): the trajectory file, relative to the work dir (or
            absolute). Defaults to ``'tdds_trajectory.npz'``.
        eps (float): ``eps`` inside the logarithms. Defaults to 1e-8 (the
            authors' value).

    Its priority (``NORMAL``) puts its ``after_train_epoch`` before the
    checkpoint hook's (``VERY_LOW``), so a checkpoint holds its epoch.
    """

    priority = 'NORMAL'

    def __init__(self,
                 module: str = 'head',
                 out_file: str = 'tdds_trajectory.npz',
                 eps: float = TDDS_EPS):
        self.module = module
        self.out_file = out_file
        self.eps = eps
        self.state: Optional[Dict] = None
        self._handle = None
        self._capturing = False
        self._captured: Optional[torch.Tensor] = None
        self._epoch_parts: List = []

    # ------------------------------------------------------------------ set-up
    def before_train(self, runner) -> None:
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            raise TypeError(f'TDDSTrajectoryHook records per epoch and needs an '
                            f'EpochBasedTrainLoop, got {type(runner.train_loop).__name__}')
        dataset = runner.train_dataloader.dataset
        if not isinstance(dataset, BaseDataset):
            raise TypeError(
                f'TDDSTrajectoryHook: the training data set is a {type(dataset).__name__}, '
                'not a BaseDataset; its samples\' sample_idx would not be its own indices '
                '(record on the full data set, without RepeatDataset, ConcatDataset or '
                'CoresetDataset)')
        size, fingerprint = len(dataset), dataset_fingerprint(dataset)
        if self.state is None:
            self.state = dict(format=TRAJECTORY_FORMAT, version=TRAJECTORY_VERSION,
                              dataset_size=size, fingerprint=fingerprint or '',
                              dataset_type=type(dataset).__name__, eps=float(self.eps),
                              num_classes=-1, epochs=0,
                              contribution_abs=np.zeros((0, size), np.float32),
                              contribution_kl=np.zeros((0, size), np.float32),
                              seen=np.zeros((0, size), bool),
                              labels=np.full(size, -1, np.int64),
                              last_probs=None)
        else:  # restored from the checkpoint of a resumed run
            if self.state['dataset_size'] != size or \
                    self.state['fingerprint'] != (fingerprint or ''):
                raise RuntimeError(
                    f'TDDSTrajectoryHook: the resumed checkpoint recorded a data set of '
                    f'{self.state["dataset_size"]} samples (fingerprint '
                    f'{self.state["fingerprint"][:12] or "none"}), the training data set '
                    f'{type(dataset).__name__} has {size} (fingerprint '
                    f'{(fingerprint or "none")[:12]}); resume with the same data')
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        try:
            target = model.get_submodule(self.module)
        except AttributeError:
            children = [name for name, _ in model.named_children()]
            raise AttributeError(
                f'TDDSTrajectoryHook: the model {type(model).__name__} has no submodule '
                f'{self.module!r} (module=...); its children: {children}') from None
        self._handle = target.register_forward_hook(self._capture)

    def _capture(self, module, inputs, output) -> None:
        if not self._capturing:
            return
        if self._captured is not None:
            raise RuntimeError(
                f'TDDSTrajectoryHook: {self.module!r} ran twice in one training iteration; '
                'the hook needs exactly one forward of the logits per iteration (set '
                'module= to a submodule called once)')
        if not isinstance(output, torch.Tensor) or output.dim() != 2:
            raise TypeError(
                f'TDDSTrajectoryHook: {self.module!r} returned '
                f'{type(output).__name__}{tuple(getattr(output, "shape", ()))}; expected '
                'the (B, C) logits tensor (set module= to the classifier head)')
        self._captured = output.detach()

    # -------------------------------------------------------------- recording
    def before_train_epoch(self, runner) -> None:
        if runner.epoch != self.state['epochs']:
            raise RuntimeError(
                f'TDDSTrajectoryHook: training epoch {runner.epoch} starts but '
                f'{self.state["epochs"]} epoch(s) are recorded; a trajectory needs every '
                'epoch from the first (resume from a checkpoint written with this hook)')
        self._epoch_parts = []

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._capturing, self._captured = True, None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        self._capturing = False
        logits, self._captured = self._captured, None
        if logits is None:
            raise RuntimeError(f'TDDSTrajectoryHook: {self.module!r} did not run in '
                               f'training iteration {runner.iter}')
        samples = data_batch['data_samples']
        if len(samples) != logits.shape[0]:
            raise RuntimeError(
                f'TDDSTrajectoryHook: {self.module!r} gave logits of shape '
                f'{tuple(logits.shape)} for a batch of {len(samples)} samples')
        indices, labels = [], []
        for sample in samples:
            idx = sample.metainfo.get('sample_idx')
            if idx is None:
                raise KeyError('TDDSTrajectoryHook: a data sample has no "sample_idx" in '
                               'its metainfo (keep it in PackInputs\' meta_keys)')
            indices.append(int(idx))
            label = sample.get('gt_label')
            labels.append(int(label.reshape(-1)[0]) if label is not None
                          and label.numel() == 1 else -1)
        probs = torch.softmax(logits.float(), dim=1).cpu().numpy()
        self._epoch_parts.append((np.asarray(indices, np.int64), probs,
                                  np.asarray(labels, np.int64)))

    def after_train_epoch(self, runner) -> None:
        parts = all_gather_object(self._epoch_parts)  # one list per process
        self._epoch_parts = []
        probs, seen = self._merge(self.state, [p for rank in parts for p in rank])
        state = self.state
        if state['last_probs'] is not None:
            previous = state['last_probs']
            for key, absolute in (('contribution_abs', True), ('contribution_kl', False)):
                row = tdds_contribution(previous, probs, absolute=absolute, eps=self.eps)
                state[key] = np.concatenate([state[key], row[None].astype(np.float32)])
        state['seen'] = np.concatenate([state['seen'], seen[None]])
        state['last_probs'] = probs
        state['epochs'] += 1
        unseen = int((~seen).sum())
        path = self._out_path(runner)
        if is_main_process():
            save_tdds_trajectory(state, path)
        print_log(
            f'TDDSTrajectoryHook: epoch {runner.epoch}: outputs of '
            f'{state["dataset_size"] - unseen}/{state["dataset_size"]} samples recorded '
            f'({state["epochs"]} epoch(s) in {path})',
            logger='current', level=logging.WARNING if unseen else logging.INFO)

    @staticmethod
    def _merge(state: Dict, parts: List):
        """One epoch's ``(N, C)`` probabilities (NaN rows: unseen) and ``(N,)``
        seen mask from the gathered ``(indices, probs, labels)`` parts."""
        size = state['dataset_size']
        num_classes = next((p.shape[1] for _, p, _ in parts), state['num_classes'])
        if state['num_classes'] not in (-1, num_classes):
            raise RuntimeError(f'TDDSTrajectoryHook: logits have {num_classes} classes, '
                               f'earlier epochs had {state["num_classes"]}')
        state['num_classes'] = num_classes
        probs = np.full((size, max(num_classes, 0)), np.nan, np.float32)
        seen = np.zeros(size, bool)
        for indices, part, labels in parts:
            if len(indices) and (indices.min() < 0 or indices.max() >= size):
                raise IndexError(
                    f'TDDSTrajectoryHook: sample_idx {int(indices.max())} is outside the '
                    f'training data set of {size} samples')
            probs[indices] = part
            seen[indices] = True
            known = labels >= 0
            state['labels'][indices[known]] = labels[known]
        return probs, seen

    def _out_path(self, runner) -> str:
        return self.out_file if osp.isabs(self.out_file) else osp.join(
            runner.work_dir, self.out_file)

    def after_train(self, runner) -> None:
        if self._handle is not None:
            self._handle.remove()
            self._handle = None

    # ------------------------------------------------------------ checkpoint
    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.state is None:
            return
        checkpoint[CHECKPOINT_KEY] = {
            k: (torch.from_numpy(np.ascontiguousarray(v)) if isinstance(v, np.ndarray) else v)
            for k, v in self.state.items()
        }

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not getattr(runner, '_resume', False) or CHECKPOINT_KEY not in checkpoint:
            return
        self.state = {
            k: (v.numpy() if isinstance(v, torch.Tensor) else v)
            for k, v in checkpoint[CHECKPOINT_KEY].items()
        }


def save_tdds_trajectory(state: Dict, path: str) -> None:
    """Write a trajectory (the hook's state, without the last probabilities) to
    an ``.npz`` file, atomically."""
    arrays = {k: np.asarray(v) for k, v in state.items()
              if k != 'last_probs' and v is not None}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    atomic_write_bytes(buffer.getvalue(), path)


def load_tdds_trajectory(path: str) -> Dict:
    """Read a trajectory written by :class:`TDDSTrajectoryHook`.

    Args:
        path (str): the work dir's ``.npz`` file, or a checkpoint (``.pth``)
            of the recording run (its ``checkpoint['tdds_trajectory']``).

    Returns:
        dict: ``dataset_size`` (N), ``num_classes`` (C), ``epochs`` (E),
        ``fingerprint`` (str, '' if none), ``dataset_type``, ``eps`` and the
        arrays of :data:`TRAJECTORY_ARRAYS` (numpy).

    Raises:
        FileNotFoundError: no such file.
        ValueError: not a trajectory of this version, or arrays whose shapes do
            not fit ``E`` and ``N``; the message names the file.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'trajectory file {path} does not exist (written by '
                                'TDDSTrajectoryHook into the recording run\'s work dir)')
    if path.endswith('.npz'):
        try:
            with np.load(path, allow_pickle=False) as data:
                raw = {k: data[k] for k in data.files}
        except (OSError, ValueError) as error:
            raise ValueError(f'{path} is not a trajectory .npz file ({error})') from None
        state = {k: (v.item() if v.ndim == 0 else v) for k, v in raw.items()}
    else:
        from rszoo.utils.compat import load_from_local
        checkpoint = load_from_local(path, map_location='cpu')
        if CHECKPOINT_KEY not in checkpoint:
            raise ValueError(f'{path}: checkpoint has no {CHECKPOINT_KEY!r} entry (was the '
                             'run recorded with TDDSTrajectoryHook?)')
        state = {k: (v.numpy() if isinstance(v, torch.Tensor) else v)
                 for k, v in checkpoint[CHECKPOINT_KEY].items()}
    if state.get('format') != TRAJECTORY_FORMAT or state.get('version') != TRAJECTORY_VERSION:
        raise ValueError(f'{path}: not a TDDS trajectory of version {TRAJECTORY_VERSION} '
                         f'(format {state.get("format")!r}, version {state.get("version")!r})')
    size, epochs = int(state['dataset_size']), int(state['epochs'])
    expected = {'contribution_abs': (max(epochs - 1, 0), size),
                'contribution_kl': (max(epochs - 1, 0), size),
                'seen': (epochs, size), 'labels': (size, )}
    for key, shape in expected.items():
        found = tuple(np.shape(state.get(key)))
        if key not in state or found != shape:
            raise ValueError(f'{path}: {key!r} has shape {found}, expected {shape} '
                             f'(E={epochs} epochs, N={size} samples): '
                             f'{TRAJECTORY_ARRAYS[key]}')
    state.pop('last_probs', None)
    return state
