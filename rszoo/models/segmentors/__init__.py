"""Segmentors: backbone (+ neck) + decode head, mmengine's three forward modes."""
from .encoder_decoder import EncoderDecoder

__all__ = ['EncoderDecoder']
