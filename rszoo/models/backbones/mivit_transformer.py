"""MIViT's transformer feature extractor (authors' ``structure.py:323-385, 607-638``).

The fused map ``Z_f`` (B, D, h, w) becomes ``h*w`` tokens of width ``D``: a Linear
over the pixel axis (``encoder_embedding1``, it mixes spatial positions; the
authors' ``Linear(((p//2)*2)**2, p**2)`` equals ``Linear(p*p, p*p)`` for their even
p and breaks for p = 1, so rszoo writes the latter), a transpose, a learnable
cls token (randn init) prepended, a learnable position embedding (1, h*w+1, D)
(randn init) added, dropout, then ``depth`` pre-LayerNorm blocks

    x = x + Dropout(W_o MHSA(LN(x)))     (heads x dim_head, qkv without bias)
    x = x + FFN(LN(x)),  FFN = Linear(D, mlp) GELU Dropout Linear(mlp, D) Dropout

with no final LayerNorm. Output: ``x_vit`` (B, h*w+1, D) and the token embedding
before the transformer ``x_tokens`` (B, h*w, D) (the CNN head reads the latter).
:class:`PreNormTransformer` is also the reconstruction decoder's transformer,
where ``heads * dim_head`` (64) differs from the width (32), as in the code.
"""
import torch
from torch import nn

from rszoo.registry import MODELS


class _Attention(nn.Module):
    """Multi-head self-attention with inner width ``heads * dim_head`` (may differ
    from ``dim``); qkv without bias; output Linear + Dropout."""

    def __init__(self, dim: int, heads: int, dim_head: int, dropout: float):
        super().__init__()
        inner = heads * dim_head
        self.heads, self.scale = heads, dim_head ** -0.5
        self.to_qkv = nn.Linear(dim, inner * 3, bias=False)
        self.to_out = nn.Sequential(nn.Linear(inner, dim), nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        q, k, v = (t.reshape(b, n, self.heads, -1).transpose(1, 2)
                   for t in self.to_qkv(x).chunk(3, dim=-1))
        attn = (q @ k.transpose(-2, -1) * self.scale).softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, n, -1)
        return self.to_out(out)


class PreNormTransformer(nn.Module):
    """``depth`` x [x + Attn(LN x); x + FFN(LN x)], no final norm (the authors'
    ``Transformer``; its unused ``skipcat`` convs are left out)."""

    def __init__(self, dim: int, depth: int, heads: int, dim_head: int, mlp_dim: int,
                 dropout: float = 0.0):
        super().__init__()
        self.layers = nn.ModuleList()
        for _ in range(depth):
            self.layers.append(nn.ModuleList([
                nn.LayerNorm(dim), _Attention(dim, heads, dim_head, dropout),
                nn.LayerNorm(dim),
                nn.Sequential(nn.Linear(dim, mlp_dim), nn.GELU(), nn.Dropout(dropout),
                              nn.Linear(mlp_dim, dim), nn.Dropout(dropout))]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for norm1, attn, norm2, ffn in self.layers:
            x = x + attn(norm1(x))
            x = x + ffn(norm2(x))
        return x


@MODELS.register_module()
class MIViTTransformer(nn.Module):
    """Tokens of the fused map + cls token + position embedding + transformer.

    Args:
        num_pixels (int): ``h*w`` of the fused map (64 for the authors' 8 x 8; 1
            for pixel vectors).
        embed_dim (int): token width = channels of the fused map (64).
        depth, heads, dim_head, mlp_dim: transformer size (5, 4, 16, 8).
        dropout (float): in attention output and FFN (0.1).
        emb_dropout (float): after adding the position embedding (0.1).

    Input ``(B, embed_dim, h, w)``; output ``(x_vit (B, h*w+1, D), x_tokens (B, h*w, D))``.
    """

    def __init__(self, num_pixels: int = 64, embed_dim: int = 64, depth: int = 5,
                 heads: int = 4, dim_head: int = 16, mlp_dim: int = 8, dropout: float = 0.1,
                 emb_dropout: float = 0.1):
        super().__init__()
        self.num_pixels, self.embed_dim = num_pixels, embed_dim
        self.pixel_embedding = nn.Linear(num_pixels, num_pixels)
        self.cls_token = nn.Parameter(torch.randn(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.randn(1, num_pixels + 1, embed_dim))
        self.dropout = nn.Dropout(emb_dropout)
        self.transformer = PreNormTransformer(embed_dim, depth, heads, dim_head, mlp_dim,
                                              dropout)

    def forward(self, fused: torch.Tensor):
        b, c, h, w = fused.shape
        if c != self.embed_dim or h * w != self.num_pixels:
            raise ValueError(f'MIViTTransformer: expected (B, {self.embed_dim}, h, w) with '
                             f'h*w={self.num_pixels}, got {tuple(fused.shape)}')
        tokens = self.pixel_embedding(fused.flatten(2)).transpose(1, 2)  # (B, h*w, D)
        x = torch.cat([self.cls_token.expand(b, -1, -1), tokens], dim=1) + self.pos_embed
        return self.transformer(self.dropout(x)), tokens
