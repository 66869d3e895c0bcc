"""Write class scores into mmpretrain ``DataSample`` predictions."""
from typing import List, Optional

import torch
from mmpretrain.structures import DataSample


def scores_to_data_samples(scores: torch.Tensor,
                           data_samples: Optional[List[DataSample]] = None
                           ) -> List[DataSample]:
    """Set ``pred_score`` (C,) and ``pred_label`` (its arg-max) of each sample
    from ``scores`` (N, C); new ``DataSample``s when ``data_samples`` is None."""
    if data_samples is None:
        data_samples = [DataSample() for _ in range(scores.shape[0])]
    for sample, score in zip(data_samples, scores):
        sample.set_pred_score(score).set_pred_label(score.argmax().view(1))
    return data_samples
