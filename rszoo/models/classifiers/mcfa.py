"""MCFA: multi-level cross-modal feature alignment for zero-shot scene classification.

Y. Liu, J. Ma, X. Yang, C. Li, J. Han, "Multi-level Cross-modal Feature Alignment
via Contrastive Learning towards Zero-shot Classification of Remote Sensing Image
Scenes", arXiv 2306.06066. Built on CADA-VAE (Schonfeld et al., CVPR 2019); what
follows is the authors' public code (``masuqiang/MCFA-Pytorch``: ``vaemodel.py``,
``ContrastiveLoss_new.py``, ``data_loader.py``, ``final_classifier.py``), read for
facts, not copied.

Inputs: a batch of pre-extracted visual features ``x`` (N, D_v) with labels ``y``
(global class indices), and the class semantic vectors ``A`` (C, D_s) (GloVe,
MiniLM, knowledge-graph vectors, attributes: a class-embedding provider).

Feature scaling (the authors' ``data_loader.py``): a min-max scaler fitted on the
seen-class training features, ``x' = (x - min) / (max - min)`` per dimension (a
constant dimension gets scale 1, as scikit-learn's ``MinMaxScaler``), is applied to
every feature before the visual VAE: training, the classifier's latents and test.
It is part of the model state (buffers ``feature_min`` / ``feature_scale``), fitted
by :meth:`fit_feature_scaler` (``FitZSLClassifierHook`` before training); using the
model before it is fitted is an error.

Per episodic batch (``K`` classes x shots images), with the batch's classes
``k_1 < ... < k_K`` and ``a_k = A[k]`` encoded ONCE per class (the authors' batch
holds the K class vectors, not one copy per image) and ``k(i)`` the class of image i:

    (mu_v, logvar_v) = E_v(x'),  z_v = reparameterise(mu_v, logvar_v)      (N, d)
    (mu_s, logvar_s) = E_s(a),   z_s = reparameterise(mu_s, logvar_s)      (K, d)

    L = |D_v(z_v) - x'|_1 + |D_s(z_s) - a|_1                    VAE reconstruction
      + beta * (KL(q_v || N(0,I)) + KL(q_s || N(0,I)))          VAE regulariser (1)
      + w_cr * (|D_v(z_s[k(i)]) - x'_i|_1 + |D_s(z_v,i) - a_k(i)|_1)   cross-reconstruction (10)
      + w_da * sum_i W2(q_v,i, q_s,k(i))                         distribution alignment (1)
      + w_vv * SupCon(z_v -> z_v)                                visual-visual (100)
      + w_vs * SupCon(z_v -> z_s)                                visual-semantic (100)
      + w_sv * SupCon(z_s -> z_v)                                semantic-visual (10)

Every term is a SUM over its rows / anchors, as the authors (L1 with
``size_average=False``, ``torch.sum`` of the KL, of the W2 distances and of the
contrastive terms' ``-log`` ratios); the contrastive terms use the cosine
similarity and tau = 2. The weights are constant: the authors' code has no
warm-up (``loss = reconstruction - KLD + 10 * cross + 1 * distance + ...`` from
the first step; CADA-VAE's own code ramps them, MCFA's does not). The optional
``*_warmup_iters`` ramps stay available (0 = off, the default and the configs').

Reparameterisation (the authors' ``Model.reparameterize``), named here because it
is NOT the textbook form ``mu + exp(logvar / 2) * eps, eps ~ N(0, I_d)``::

    z = mu + exp(logvar) * eps,   eps ~ N(0, 1) ONE scalar per sample, shared by all d
        dimensions (``eps`` of shape (N, 1) expanded to (N, d)).

So ``exp(logvar)`` is used as the standard deviation in sampling, while the KL and
the W2 alignment read ``logvar`` as the log-variance (``sigma = exp(logvar / 2)``
there), as in the authors' code. ``reparameterization='standard'`` gives the
textbook form. Test-time latents are ``mu`` (no noise), as theirs.

Classification (the authors' ``train_classifier``): after training, two softmax
classifiers are fitted on latent samples (:meth:`fit_classifier`, called by
``FitZSLClassifierHook`` at the end of training / each validation interval, before
the checkpoint is written); Adam lr 1e-3, betas (0.5, 0.999), batch 32, weights
Xavier-uniform (gain 0.5), bias 0:

- GZSL (over all classes): ``num_seen_samples`` (200) latents per seen class from
  the visual encoder of that class's first training features (tiled when fewer),
  and ``num_unseen_samples`` (400) per unseen class from the semantic encoder of
  its class vector, both with noise; ``classifier_epochs`` (23) epochs, shuffled
  batches, the last incomplete batch dropped (their ``fit``).
- ZSL (over the unseen classes only): ``zsl_num_unseen_samples`` (200) semantic
  latents per unseen class, no seen class; ``zsl_classifier_epochs`` (50) epochs of
  ``ceil(n / 32)`` batches cut from a stream of reshuffled passes (their ``fit_zsl``
  / ``next_batch``).

At test time ``z = mu_v(x')``; ``pred_score`` (C,) is the GZSL classifier's softmax
(the classes outside ``class_subset`` get 0), ``zsl_score`` (C,) the ZSL
classifier's softmax over the unseen classes (0 elsewhere). ``ZSLMetric`` reads
``pred_score`` only; the ZSL figure of the separate classifier comes from
:meth:`zsl_logits` (``tools/zeroshot/zsl_protocol.py``). The authors keep, for each
classifier, its best epoch on the TEST classes; rszoo takes the last epoch.

Shapes: inputs (N, D_v); class_embeddings (C, D_s); latents (N, d); scores (N, C).
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

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

#: the authors' ``models.weights_init``: Xavier-uniform weights (gain 0.5), zero bias
AUTHORS_LINEAR_INIT = dict(type='Xavier', layer='Linear', distribution='uniform', gain=0.5,
                           bias=0.)
REPARAMETERIZATIONS = ('mcfa', 'standard')
FEATURE_SCALINGS = ('minmax', None)


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
        beta (float), cross_weight (float), align_weight (float): KL (MCFA: 1),
            cross-reconstruction (MCFA: 10) and alignment (MCFA: 1) weights.
        beta_warmup_iters, cross_warmup_iters, align_warmup_iters (int):
            optional linear ramps from 0 (0 = constant weight: MCFA's code).
        contrastive (dict): ``SupervisedContrastiveLoss`` config (MCFA: cosine,
            tau = 2, ``reduction='sum'``).
        vv_weight, vs_weight, sv_weight (float): MCFA: 100, 100, 10.
        feature_scaling (str | None): ``'minmax'`` (MCFA: a min-max scaler
            fitted on the seen-class training features) or None (raw features).
        reparameterization (str): ``'mcfa'`` (the authors' ``mu + exp(logvar)
            * eps`` with one ``eps`` per sample) or ``'standard'``
            (``mu + exp(logvar / 2) * eps``, ``eps`` per dimension).
        num_seen_samples, num_unseen_samples (int): latents per seen / unseen
            class for the GZSL classifier. MCFA: 200 and 400.
        classifier_epochs (int): the GZSL classifier's epochs. MCFA: 23.
        zsl_num_unseen_samples (int): latents per unseen class for the ZSL
            classifier. MCFA: 200.
        zsl_classifier_epochs (int): the ZSL classifier's epochs. MCFA: 50.
        classifier_lr (float), classifier_batch_size (int): both classifiers'
            Adam learning rate and batch size. MCFA: 1e-3, 32.
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
                 beta: float = 1.0,
                 cross_weight: float = 10.0,
                 align_weight: float = 1.0,
                 beta_warmup_iters: int = 0,
                 cross_warmup_iters: int = 0,
                 align_warmup_iters: int = 0,
                 contrastive: dict = dict(type='SupervisedContrastiveLoss', temperature=2.0,
                                          similarity='cosine', reduction='sum'),
                 vv_weight: float = 100.0,
                 vs_weight: float = 100.0,
                 sv_weight: float = 10.0,
                 feature_scaling: Optional[str] = 'minmax',
                 reparameterization: str = 'mcfa',
                 num_seen_samples: int = 200,
                 num_unseen_samples: int = 400,
                 classifier_epochs: int = 23,
                 zsl_num_unseen_samples: int = 200,
                 zsl_classifier_epochs: int = 50,
                 classifier_lr: float = 1e-3,
                 classifier_batch_size: int = 32,
                 class_subset: str = 'test',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        data_preprocessor = data_preprocessor or dict(type='FeatureDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if feature_scaling not in FEATURE_SCALINGS:
            raise ValueError(f"MCFA: feature_scaling must be 'minmax' or None, got "
                             f'{feature_scaling!r}')
        if reparameterization not in REPARAMETERIZATIONS:
            raise ValueError(f'MCFA: reparameterization must be one of '
                             f'{REPARAMETERIZATIONS}, got {reparameterization!r}')
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

        def part(kind, **kw):
            return MODELS.build(dict(type=kind, init_cfg=dict(AUTHORS_LINEAR_INIT), **kw))

        self.visual_encoder = part('GaussianMLPEncoder', in_channels=visual_dim,
                                   latent_dim=latent_dim, hidden_channels=visual_hidden)
        self.visual_decoder = part('MLPDecoder', latent_dim=latent_dim,
                                   out_channels=visual_dim, hidden_channels=visual_hidden)
        self.semantic_encoder = part('GaussianMLPEncoder', in_channels=semantic_dim,
                                     latent_dim=latent_dim, hidden_channels=semantic_hidden)
        self.semantic_decoder = part('MLPDecoder', latent_dim=latent_dim,
                                     out_channels=semantic_dim,
                                     hidden_channels=semantic_hidden)
        self.kl_loss = MODELS.build(dict(type='GaussianKLLoss', reduction='sum'))
        self.align_loss = MODELS.build(dict(type='WassersteinAlignmentLoss', reduction='sum'))
        self.contrastive = MODELS.build(contrastive)
        self.visual_dim, self.latent_dim = visual_dim, latent_dim
        self.beta, self.cross_weight, self.align_weight = beta, cross_weight, align_weight
        self.warmups = dict(beta=beta_warmup_iters, cross=cross_warmup_iters,
                            align=align_warmup_iters)
        self.vv_weight, self.vs_weight, self.sv_weight = vv_weight, vs_weight, sv_weight
        self.feature_scaling = feature_scaling
        self.reparameterization = reparameterization
        self.num_seen_samples, self.num_unseen_samples = num_seen_samples, num_unseen_samples
        self.classifier_epochs = classifier_epochs
        self.zsl_num_unseen_samples = zsl_num_unseen_samples
        self.zsl_classifier_epochs = zsl_classifier_epochs
        self.classifier_lr = classifier_lr
        self.classifier_batch_size = classifier_batch_size
        num_classes = len(self.split.classes)
        # the min-max feature scaler (fitted on the seen-class training features)
        self.register_buffer('feature_min', torch.zeros(visual_dim))
        self.register_buffer('feature_scale', torch.ones(visual_dim))
        self.register_buffer('feature_scaler_fitted', torch.zeros((), dtype=torch.bool))
        # the final softmax classifiers (fitted, not trained by the runner's optimizer):
        # GZSL over all classes, ZSL over the unseen classes (rows in unseen_indices order)
        self.register_buffer('classifier_weight', torch.zeros(num_classes, latent_dim))
        self.register_buffer('classifier_bias', torch.zeros(num_classes))
        self.register_buffer('zsl_classifier_weight',
                             torch.zeros(len(self.unseen_indices), latent_dim))
        self.register_buffer('zsl_classifier_bias', torch.zeros(len(self.unseen_indices)))
        active = torch.zeros(num_classes, dtype=torch.bool)
        active[self.seen_indices + self.unseen_indices] = True
        self.register_buffer('active_classes', active, persistent=False)
        self.register_buffer('unseen_index_tensor', torch.tensor(self.unseen_indices),
                             persistent=False)
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

    # ------------------------------------------------------------ feature scaler
    @torch.no_grad()
    def fit_feature_scaler(self, features: torch.Tensor,
                           labels: Optional[torch.Tensor] = None) -> None:
        """Fit the min-max scaler on ``features`` (N, D_v): the seen-class
        TRAINING features (the authors fit theirs on the training split of the
        seen classes). With ``labels`` (N,), every one must be a seen class of
        ``class_subset``. A no-op with ``feature_scaling=None``."""
        self._check_inputs(features)
        if labels is not None:
            outside = sorted(set(torch.as_tensor(labels).flatten().tolist()) -
                             set(self.seen_indices))
            if outside:
                names = [self.split.classes[c] if 0 <= c < len(self.split.classes) else c
                         for c in outside]
                raise ValueError(f'MCFA.fit_feature_scaler: the scaler is fitted on seen-class '
                                 f'training features only; got classes {names} outside the '
                                 f'seen classes of class_subset={self.class_subset!r}')
        if self.feature_scaling is None:
            return
        features = features.to(self.feature_min.device).float()
        low, high = features.min(dim=0).values, features.max(dim=0).values
        span = high - low
        span = torch.where(span > 0, span, torch.ones_like(span))  # sklearn: zero range -> 1
        self.feature_min.copy_(low)
        self.feature_scale.copy_(1.0 / span)
        self.feature_scaler_fitted.fill_(True)

    def scale_features(self, features: torch.Tensor) -> torch.Tensor:
        """``(x - min) / (max - min)`` with the fitted scaler (identity with
        ``feature_scaling=None``)."""
        if self.feature_scaling is None:
            return features
        if not bool(self.feature_scaler_fitted):
            raise RuntimeError('MCFA: the min-max feature scaler is not fitted; train through '
                               'the Runner with FitZSLClassifierHook (the MCFA configs add it; '
                               'it fits the scaler on the seen-class training features before '
                               'training), or call fit_feature_scaler(train_features, '
                               'train_labels) first')
        return (features - self.feature_min) * self.feature_scale

    # ------------------------------------------------------------ reparameterise
    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor,
                       generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """``'mcfa'`` (the authors' code): ``mu + exp(logvar) * eps`` with ONE
        ``eps ~ N(0, 1)`` per sample (shape (N, 1), broadcast over the d
        dimensions); ``'standard'``: ``mu + exp(logvar / 2) * eps``, ``eps ~
        N(0, I_d)``. ``eps`` is drawn from ``generator`` (on the CPU) when given."""
        per_sample = self.reparameterization == 'mcfa'
        shape = (mu.size(0), 1) if per_sample else tuple(mu.shape)
        eps = (torch.randn(shape, dtype=mu.dtype, device=mu.device) if generator is None
               else torch.randn(shape, generator=generator).to(mu))
        sigma = torch.exp(logvar) if per_sample else torch.exp(0.5 * logvar)
        return mu + sigma * eps

    # ------------------------------------------------------------------ training
    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        self._check_inputs(inputs)
        x = self.scale_features(inputs)
        labels = self._labels(data_samples, inputs.device)
        # one semantic latent per class of the batch (the authors' batch holds the K
        # class vectors); ``owner`` maps each image to its class's row
        classes, owner = torch.unique(labels, return_inverse=True)
        attrs = self.class_embeddings[classes]
        mu_v, logvar_v = self.visual_encoder(x)
        mu_s, logvar_s = self.semantic_encoder(attrs)
        z_v = self.reparameterize(mu_v, logvar_v)
        z_s = self.reparameterize(mu_s, logvar_s)

        losses = dict(
            loss_recon=F.l1_loss(self.visual_decoder(z_v), x, reduction='sum') +
            F.l1_loss(self.semantic_decoder(z_s), attrs, reduction='sum'),
            loss_kl=self._ramp('beta', self.beta) *
            (self.kl_loss(mu_v, logvar_v) + self.kl_loss(mu_s, logvar_s)),
            loss_cross_recon=self._ramp('cross', self.cross_weight) *
            (F.l1_loss(self.visual_decoder(z_s)[owner], x, reduction='sum') +
             F.l1_loss(self.semantic_decoder(z_v), attrs[owner], reduction='sum')),
            loss_align=self._ramp('align', self.align_weight) *
            self.align_loss(mu_v, logvar_v, mu_s[owner], logvar_s[owner]),
            loss_con_vv=self.vv_weight * self.contrastive(z_v, labels),
            loss_con_vs=self.vs_weight * self.contrastive(z_v, labels, z_s, classes),
            loss_con_sv=self.sv_weight * self.contrastive(z_s, classes, z_v, labels),
        )
        if self.training:
            self.iteration += 1
            self.classifier_fitted.fill_(False)
        return losses

    # ------------------------------------------------------------ classifiers
    @staticmethod
    def _first_n(pool: torch.Tensor, n: int) -> torch.Tensor:
        """The authors' ``sample_train_data_on_sample_per_class_basis``: the
        first ``n`` of ``pool`` (in data order), tiled when it has fewer."""
        return pool.repeat(max(1, math.ceil(n / len(pool))))[:n]

    @torch.no_grad()
    def latent_training_set(self, features: torch.Tensor, labels: torch.Tensor,
                            generator: Optional[torch.Generator] = None,
                            zsl: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
        """The classifier's latent samples ``(z (M, d), global labels (M,))``.

        GZSL (``zsl=False``): ``num_seen_samples`` per seen class from the
        visual encoder of that class's first training features (scaled, tiled
        when fewer) and ``num_unseen_samples`` per unseen class from the
        semantic encoder of its class vector. ZSL: ``zsl_num_unseen_samples``
        per unseen class only. Both sampled with noise (:meth:`reparameterize`).
        """
        device = self.class_embeddings.device
        zs, ys = [], []
        if not zsl:
            features = self.scale_features(features.to(device).float())
            labels = labels.to(device)
            for c in self.seen_indices:
                pool = torch.nonzero(labels == c).flatten()
                if len(pool) == 0:
                    raise ValueError(f'MCFA.fit_classifier: no training feature of seen class '
                                     f'{self.split.classes[c]!r}')
                pick = self._first_n(pool, self.num_seen_samples)
                zs.append(self.reparameterize(*self.visual_encoder(features[pick]),
                                              generator=generator))
                ys.append(torch.full((self.num_seen_samples, ), c, device=device))
        per_unseen = self.zsl_num_unseen_samples if zsl else self.num_unseen_samples
        for c in self.unseen_indices:
            a = self.class_embeddings[c].expand(per_unseen, -1)
            zs.append(self.reparameterize(*self.semantic_encoder(a), generator=generator))
            ys.append(torch.full((per_unseen, ), c, device=device))
        return torch.cat(zs), torch.cat(ys)

    def _train_softmax(self, z: torch.Tensor, y: torch.Tensor, num_outputs: int, epochs: int,
                       generator: torch.Generator, seed: int,
                       stream: bool) -> Tuple[torch.nn.Linear, float]:
        """A linear softmax classifier on ``(z, y)`` (local labels): Adam
        (``classifier_lr``, betas (0.5, 0.999)), batches of
        ``classifier_batch_size``. ``stream=False``: each epoch one shuffled
        pass without the last incomplete batch (the authors' GZSL ``fit``; one
        batch of all samples if there are fewer than a batch); ``stream=True``:
        ``ceil(M / batch)`` full batches per epoch cut from back-to-back
        shuffled passes (their ZSL ``fit_zsl``)."""
        linear = torch.nn.Linear(self.latent_dim, num_outputs).to(z.device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            torch.nn.init.xavier_uniform_(linear.weight, gain=0.5)
        torch.nn.init.zeros_(linear.bias)
        optimizer = torch.optim.Adam(linear.parameters(), lr=self.classifier_lr,
                                     betas=(0.5, 0.999))
        size, total = self.classifier_batch_size, len(z)
        if stream:
            steps = epochs * math.ceil(total / size)
            passes = math.ceil(steps * size / total)
            order = torch.cat([torch.randperm(total, generator=generator)
                               for _ in range(passes)]).to(z.device)
            batches = [order[i * size:(i + 1) * size] for i in range(steps)]
        else:
            batches = []
            for _ in range(epochs):
                order = torch.randperm(total, generator=generator).to(z.device)
                full = max(1, total // size)
                batches += [order[i * size:(i + 1) * size] for i in range(full)]
        loss = torch.zeros(())
        with torch.enable_grad():
            for idx in batches:
                loss = F.cross_entropy(linear(z[idx]), y[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        return linear, float(loss.detach())

    def fit_classifier(self, features: torch.Tensor, labels: torch.Tensor,
                       seed: int = 0) -> Dict[str, float]:
        """Fit the GZSL and the ZSL softmax classifiers on latent samples (see
        the module doc) from the training ``features`` (raw; scaled here) and
        ``labels``; returns their final training losses ``{'gzsl': .., 'zsl': ..}``.
        Deterministic in ``seed``."""
        generator = torch.Generator().manual_seed(seed)
        was_training = self.training
        self.eval()
        z, y = self.latent_training_set(features, labels, generator)
        gzsl, gzsl_loss = self._train_softmax(z, y, len(self.split.classes),
                                              self.classifier_epochs, generator, seed,
                                              stream=False)
        z, y = self.latent_training_set(features, labels, generator, zsl=True)
        to_local = torch.full((len(self.split.classes), ), -1, dtype=torch.long, device=y.device)
        to_local[self.unseen_index_tensor] = torch.arange(len(self.unseen_indices),
                                                          device=y.device)
        local = to_local[y]  # the row of each unseen class in unseen_indices order
        zsl, zsl_loss = self._train_softmax(z, local, len(self.unseen_indices),
                                            self.zsl_classifier_epochs, generator, seed + 1,
                                            stream=True)
        self.classifier_weight.copy_(gzsl.weight.detach())
        self.classifier_bias.copy_(gzsl.bias.detach())
        self.zsl_classifier_weight.copy_(zsl.weight.detach())
        self.zsl_classifier_bias.copy_(zsl.bias.detach())
        self.classifier_fitted.fill_(True)
        self.train(was_training)
        return dict(gzsl=gzsl_loss, zsl=zsl_loss)

    # ------------------------------------------------------------------ test
    def extract_latent(self, inputs: torch.Tensor) -> torch.Tensor:
        """``mu_v(x')`` (N, d) of the scaled features: the test-time latent."""
        self._check_inputs(inputs)
        return self.visual_encoder(self.scale_features(inputs))[0]

    def _check_fitted(self) -> None:
        if not bool(self.classifier_fitted):
            raise RuntimeError('MCFA: the latent classifiers are not fitted; train through the '
                               'Runner with FitZSLClassifierHook (the MCFA configs add it), or '
                               'call fit_classifier(features, labels)')

    def logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """The GZSL classifier's logits (N, C); -inf outside ``class_subset``."""
        self._check_fitted()
        logits = F.linear(self.extract_latent(inputs), self.classifier_weight,
                          self.classifier_bias)
        return logits.masked_fill(~self.active_classes, float('-inf'))

    def zsl_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """The ZSL classifier's logits at the unseen classes' global columns
        (N, C); -inf for every other class."""
        self._check_fitted()
        local = F.linear(self.extract_latent(inputs), self.zsl_classifier_weight,
                         self.zsl_classifier_bias)
        out = local.new_full((local.size(0), len(self.split.classes)), float('-inf'))
        out[:, self.unseen_index_tensor] = local
        return out

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None) -> List[DataSample]:
        samples = scores_to_data_samples(self.logits(inputs).softmax(dim=1), data_samples)
        for sample, score in zip(samples, self.zsl_logits(inputs).softmax(dim=1)):
            sample.set_field(score, 'zsl_score', dtype=torch.Tensor)
        return samples
