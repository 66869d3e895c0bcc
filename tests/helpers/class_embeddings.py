"""Shared by the class-embedding, attribute-annotation and DSVA tests: a tiny random
open_clip config and a small attribute matrix."""
import numpy as np

#: a tiny random open_clip model (16-d embeddings; 32 px images, 16 px patches)
TINY_CLIP = dict(embed_dim=16,
                 vision_cfg=dict(image_size=32, layers=1, width=32, head_width=16,
                                 patch_size=16),
                 text_cfg=dict(context_length=16, vocab_size=49408, width=32, heads=2,
                               layers=1))
ATTR = np.array([[1., 0., 2.], [0., 1., 0.], [3., 3., 3.]])  # rows: Beach, Desert, Forest
