"""Zero-shot building blocks: the VAE encoder/decoder of CADA-VAE / MCFA and the
linear-compatibility baselines (ESZSL, DeViSE-style)."""
from .devise import DeViSELinear
from .eszsl import ESZSL
from .gaussian_mlp_encoder import GaussianMLPEncoder
from .mlp_decoder import MLPDecoder

__all__ = ['DeViSELinear', 'ESZSL', 'GaussianMLPEncoder', 'MLPDecoder']
