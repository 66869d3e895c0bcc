"""MCFA: multi-level cross-modal feature alignment for zero-shot scene classification.

Y. Liu, J. Ma, X. Yang, C. Li, J. Han, "Multi-level Cross-modal Feature Alignment
via Contrastive Learning towards Zero-shot Classification of Remote Sensing Image
Scenes", arXiv 2306.06066. Built on CADA-VAE (Schonfeld et al., CVPR 2019); the
facts below are from the authors' public code (``masuqiang/MCFA-Pytorch``).

Inputs: a batch of pre-extracted visual features ``x`` (N, D_v) with labels ``y``
(global class indices), and the class semantic vectors ``A`` (C, D_s) (GloVe,
MiniLM, knowledge-graph vectors, attributes: a class-embedding provider). With
``a_i = A[y_i]``:

    (mu_v, logvar_v) = E_v(x),   z_v = mu_v + exp(logvar_v / 2) * eps      (N, d)
    (mu_s, logvar_s) = E_s(a),   z_s = mu_s + exp(logvar_s / 2) * eps      (N, d)

    L = |D_v(z_v) - x|_1 + |D_s(z_s) - a|_1                  VAE reconstruction
      + beta * (KL(q_v || N(0,I)) + KL(q_s || N(0,I)))        VAE regulariser
      + w_cr * (|D_v(z_s) - x|_1 + |D_s(z_v) - a|_1)          cross-reconstruction (10)
      + w_da * W2(q_v, q_s)                                    distribution alignment (1)
      + w_vv * SupCon(z_v -> z_v)                              visual-visual (100)
      + w_vs * SupCon(z_v -> z_s)                              visual-semantic (100)
      + w_sv * SupCon(z_s -> z_v)                              semantic-visual (10)

(single-instance positive alignment = the reconstruction, cross-reconstruction and
alignment of each image with its own class vector; the cross-instance terms = the
three contrastive losses over the batch, temperature 2). Reconstruction, KL and
W2 are sums over the batch (the authors' code), the contrastive terms means over
anchors. ``beta``, ``w_cr`` and ``w_da`` ramp up linearly over their warm-up
iterations (CADA-VAE's schedule; counted by a buffer, so resume continues it).

Classification (CADA-VAE): after training, a softmax classifier over ALL classes
is fitted on latent samples: ``num_seen_samples`` per seen class from the visual
encoder of training features, ``num_unseen_samples`` per unseen class drawn from
the semantic encoder's Gaussian of its class vector (:meth:`fit_classifier`,
called by ``FitZSLClassifierHook`` at the end of each training epoch, before the
checkpoint is written). At test time ``z = mu_v(x)`` and the classifier's
softmax is ``pred_score`` (C,), GZSL over all classes; ZSL restricts it to the
unseen classes (``ZSLMetric``).

Shapes: inputs (N, D_v); class_embeddings (C, D_s); latents (N, d); scores (N, C).
"""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from rszoo.datasets.zeroshot import ClassSplit
from rszoo.fileio import resolve_path
from rszoo.models.class_embeddings import class_matrix
from rszoo.models.utils.forward_modes import LossPredictTensorMixin
from rszoo.models.utils.prediction_samples import scores_to_data_samples
from rszoo.registry import MODELS


@MODELS.register_module()
class MCFA(LossPredictTensorMixin, BaseModel):
    """Args:
        class_split (str): :class:`ClassSplit` JSON (seen / unseen classes;
            a relative path is resolved by :meth:`ClassSplit.from_file`).
        class_embedding (str | dict): a ``.npy`` / ``.mat`` / ``.csv`` class
            matrix (rows matched by stored class names, else in the split's
            order; a relative path is resolved by
            :func:`rszoo.fileio.resolve_path`), or a class-embedding provider
            config (``class_matrix``).
        visual_dim (int): ``D_v`` of the features.
        latent_dim (int): ``d``. MCFA: 64.
        visual_hidden (int): hidden width of E_v / D_v. MCFA: 512.
        semantic_hidden (int): hidden width of E_s / D_s. MCFA: 256.
        beta (float), cross_weight (float), align_weight (float): final KL,
            cross-reconstruction (MCFA: 10) and alignment (MCFA: 1) weights.
        beta_warmup_iters, cross_warmup_iters, align_warmup_iters (int):
            linear ramps from 0 (0 = constant weight).
        contrastive (dict): ``SupervisedContrastiveLoss`` config (tau = 2).
        vv_weight, vs_weight, sv_weight (float): MCFA: 100, 100, 10.
        num_seen_samples, num_unseen_samples (int): latent samples per class
            for the final classifier (CADA-VAE: 200 and 400).
        classifier_epochs (int), classifier_lr (float),
        classifier_batch_size (int): the final softmax classifier's training
            (Adam). MCFA: lr 1e-3, 23 epochs for GZSL.
        class_subset (str): the seen / unseen classes, named as the data
            sets' ``subset`` (:meth:`ClassSplit.subset_indices`): the split's
            (``'test'``, the default) or its validation classes (``'val'``,
            ``'val_train'``, ``'val_test'``), whose unseen test classes'
            vectors are never used and whose scores are -inf. Indices stay
            global either way.
    """

    def __init__(self,
                 class_split: str,
                 class_embedding: Union[str, dict],
                 visual_dim: int,
                 latent_dim: int = 64,
                 visual_hidden: int = 512,
                 semantic_hidden: int = 256,
                 beta: float = 0.25,
                 cross_weight: float = 10.0,
                 align_weight: float = 1.0,
                 beta_warmup_iters: int = 0,
                 cross_warmup_iters: int = 0,
                 align_warmup_iters: int = 0,
                 contrastive: dict = dict(type='SupervisedContrastiveLoss', temperature=2.0),
                 vv_weight: float = 100.0,
                 vs_weight: float = 100.0,
                 sv_weight: float = 10.0,
                 num_seen_samples: int = 200,
                 num_unseen_samples: int = 400,
                 classifier_epochs: int = 23,
                 classifier_lr: float = 1e-3,
                 classifier_batch_size: int = 32,
                 class_subset: str = 'test',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        data_preprocessor = data_preprocessor or dict(type='FeatureDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.split = ClassSplit.from_file(class_split)
        self.seen_indices, self.unseen_indices = self.split.subset_indices(
            class_subset, owner='MCFA', key='class_subset')
        self.class_subset = class_subset
        if isinstance(class_embedding, str):
            class_embedding = resolve_path(class_embedding)
        embeddings, _ = class_matrix(class_embedding, self.split.classes, owner='MCFA',
                                     what='class vectors')
        self.register_buffer('class_embeddings', torch.from_numpy(embeddings))
        semantic_dim = embeddings.shape[1]
        self.visual_encoder = MODELS.build(dict(type='GaussianMLPEncoder', in_channels=visual_dim,
                                                latent_dim=latent_dim,
                                                hidden_channels=visual_hidden))
        self.visual_decoder = MODELS.build(dict(type='MLPDecoder', latent_dim=latent_dim,
                                                out_channels=visual_dim,
                                                hidden_channels=visual_hidden))
        self.semantic_encoder = MODELS.build(dict(type='GaussianMLPEncoder',
                                                  in_channels=semantic_dim,
                                                  latent_dim=latent_dim,
                                                  hidden_channels=semantic_hidden))
        self.semantic_decoder = MODELS.build(dict(type='MLPDecoder', latent_dim=latent_dim,
                                                  out_channels=semantic_dim,
                                                  hidden_channels=semantic_hidden))
        self.kl_loss = MODELS.build(dict(type='GaussianKLLoss', reduction='sum'))
        self.align_loss = MODELS.build(dict(type='WassersteinAlignmentLoss', reduction='sum'))
        self.contrastive = MODELS.build(contrastive)
        self.visual_dim, self.latent_dim = visual_dim, latent_dim
        self.beta, self.cross_weight, self.align_weight = beta, cross_weight, align_weight
        self.warmups = dict(beta=beta_warmup_iters, cross=cross_warmup_iters,
                            align=align_warmup_iters)
        self.vv_weight, self.vs_weight, self.sv_weight = vv_weight, vs_weight, sv_weight
        self.num_seen_samples, self.num_unseen_samples = num_seen_samples, num_unseen_samples
        self.classifier_epochs = classifier_epochs
        self.classifier_lr = classifier_lr
        self.classifier_batch_size = classifier_batch_size
        num_classes = len(self.split.classes)
        # the final softmax classifier (fitted, not trained by the runner's optimizer)
        self.register_buffer('classifier_weight', torch.zeros(num_classes, latent_dim))
        self.register_buffer('classifier_bias', torch.zeros(num_classes))
        active = torch.zeros(num_classes, dtype=torch.bool)
        active[self.seen_indices + self.unseen_indices] = True
        self.register_buffer('active_classes', active, persistent=False)
        self.register_buffer('classifier_fitted', torch.zeros((), dtype=torch.bool))
        self.register_buffer('iteration', torch.zeros((), dtype=torch.long))

    # ------------------------------------------------------------------ helpers
    def _ramp(self, name: str, weight: float) -> float:
        iters = self.warmups[name]
        if iters <= 0:
            return weight
        return weight * min(1.0, float(self.iteration.item()) / iters)

    @staticmethod
    def _labels(data_samples: Sequence[DataSample], device) -> torch.Tensor:
        return torch.cat([s.gt_label for s in data_samples]).to(device)

    def _check_inputs(self, inputs: torch.Tensor) -> None:
        if inputs.dim() != 2 or inputs.size(1) != self.visual_dim:
            raise ValueError(f'MCFA: visual features of shape {tuple(inputs.shape)}, expected '
                             f'(N, {self.visual_dim}) (visual_dim)')

    # ------------------------------------------------------------------ training
    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        self._check_inputs(inputs)
        labels = self._labels(data_samples, inputs.device)
        attrs = self.class_embeddings[labels]
        mu_v, logvar_v = self.visual_encoder(inputs)
        mu_s, logvar_s = self.semantic_encoder(attrs)
        z_v = self.visual_encoder.sample(mu_v, logvar_v)
        z_s = self.semantic_encoder.sample(mu_s, logvar_s)

        losses = dict(
            loss_recon=F.l1_loss(self.visual_decoder(z_v), inputs, reduction='sum') +
            F.l1_loss(self.semantic_decoder(z_s), attrs, reduction='sum'),
            loss_kl=self._ramp('beta', self.beta) *
            (self.kl_loss(mu_v, logvar_v) + self.kl_loss(mu_s, logvar_s)),
            loss_cross_recon=self._ramp('cross', self.cross_weight) *
            (F.l1_loss(self.visual_decoder(z_s), inputs, reduction='sum') +
             F.l1_loss(self.semantic_decoder(z_v), attrs, reduction='sum')),
            loss_align=self._ramp('align', self.align_weight) *
            self.align_loss(mu_v, logvar_v, mu_s, logvar_s),
            loss_con_vv=self.vv_weight * self.contrastive(z_v, labels),
            loss_con_vs=self.vs_weight * self.contrastive(z_v, labels, z_s, labels),
            loss_con_sv=self.sv_weight * self.contrastive(z_s, labels, z_v, labels),
        )
        if self.training:
            self.iteration += 1
            self.classifier_fitted.fill_(False)
        return losses

    # ------------------------------------------------------------ classifier
    @torch.no_grad()
    def latent_training_set(self, features: torch.Tensor, labels: torch.Tensor,
                            generator: Optional[torch.Generator] = None):
        """CADA-VAE's classifier data: ``num_seen_samples`` latents per seen
        class (features drawn with replacement, z ~ q_v) and
        ``num_unseen_samples`` per unseen class (z ~ q_s of its class vector)."""
        device = self.class_embeddings.device
        features = features.to(device).float()
        labels = labels.to(device)
        zs, ys = [], []
        for c in self.seen_indices:
            pool = torch.nonzero(labels == c).flatten()
            if len(pool) == 0:
                raise ValueError(f'MCFA.fit_classifier: no training feature of seen class '
                                 f'{self.split.classes[c]!r}')
            pick = pool[torch.randint(len(pool), (self.num_seen_samples, ),
                                      generator=generator).to(device)]
            zs.append(self.visual_encoder.sample(*self.visual_encoder(features[pick]),
                                                 generator=generator))
            ys.append(torch.full((self.num_seen_samples, ), c, device=device))
        for c in self.unseen_indices:
            a = self.class_embeddings[c].expand(self.num_unseen_samples, -1)
            zs.append(self.semantic_encoder.sample(*self.semantic_encoder(a),
                                                   generator=generator))
            ys.append(torch.full((self.num_unseen_samples, ), c, device=device))
        return torch.cat(zs), torch.cat(ys)

    def fit_classifier(self, features: torch.Tensor, labels: torch.Tensor,
                       seed: int = 0) -> float:
        """Fit the softmax classifier on latent samples (see the module doc);
        returns its final training loss. Deterministic in ``seed``."""
        generator = torch.Generator().manual_seed(seed)
        was_training = self.training
        self.eval()
        z, y = self.latent_training_set(features, labels, generator)
        linear = torch.nn.Linear(self.latent_dim, len(self.split.classes)).to(z.device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            linear.reset_parameters()
        optimizer = torch.optim.Adam(linear.parameters(), lr=self.classifier_lr,
                                     betas=(0.5, 0.999))
        loss = torch.zeros(())
        with torch.enable_grad():
            for _ in range(self.classifier_epochs):
                order = torch.randperm(len(z), generator=generator).to(z.device)
                for start in range(0, len(z), self.classifier_batch_size):
                    idx = order[start:start + self.classifier_batch_size]
                    loss = F.cross_entropy(linear(z[idx]), y[idx])
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
        self.classifier_weight.copy_(linear.weight.detach())
        self.classifier_bias.copy_(linear.bias.detach())
        self.classifier_fitted.fill_(True)
        self.train(was_training)
        return float(loss.detach())

    # ------------------------------------------------------------------ test
    def extract_latent(self, inputs: torch.Tensor) -> torch.Tensor:
        """``mu_v(x)`` (N, d): the deterministic latent used at test time."""
        self._check_inputs(inputs)
        return self.visual_encoder(inputs)[0]

    def logits(self, inputs: torch.Tensor) -> torch.Tensor:
        if not bool(self.classifier_fitted):
            raise RuntimeError('MCFA: the latent classifier is not fitted; train through the '
                               'Runner with FitZSLClassifierHook (the MCFA configs add it), or '
                               'call fit_classifier(features, labels)')
        logits = F.linear(self.extract_latent(inputs), self.classifier_weight,
                          self.classifier_bias)
        return logits.masked_fill(~self.active_classes, float('-inf'))

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None) -> List[DataSample]:
        scores = self.logits(inputs).softmax(dim=1)
        return scores_to_data_samples(scores, data_samples)
