"""Variational auto-encoder parts: the modality encoders and decoders of
CADA-VAE, as MCFA uses them (registered in ``rszoo.registry.MODELS``)."""
from .gaussian_mlp_encoder import GaussianMLPEncoder
from .hidden_mlp import hidden_mlp
from .mlp_decoder import MLPDecoder

__all__ = ['GaussianMLPEncoder', 'MLPDecoder', 'hidden_mlp']
