# The redesign with a LayerNorm on the fusion gate's input (ResidualStageFusion(
# norm_gate_input=True)): in the measured redesign the softmax gate saturated within 50 steps
# (its input, 1,456 raw pooled values of order 1-10, made one SGD step at lr 0.02 push its
# logits far apart), so the "dynamic" fusion was a fixed GAP(F_last) + P(GAP(F_layer5)).
# Everything else is the redesign's (a test checks that only the neck's flag differs).
_base_ = ['./sskdnet-residual_efficientnet-lite0_in1k-pre_aid150-16-4-80_128px_1xb32_10e.py']

model = dict(neck=dict(norm_gate_input=True))
