# ABLATION of dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24_30e.py (read its header):
# the same run WITH the proposal branch (attention concentration) from the first iteration,
# as the authors' other scripts run it (`--pro_start_epoch -1`: their 50/20 and 40/30 ZSL
# scripts and every GZSL script). A 2 x 2 window of the 4 x 4 token grid (half the image side)
# around the top-3 attribute maps is cropped, resized to 128 px and classified again; its
# logits are averaged with the prototype branch's at test time. To score only the prototype
# branch of the same checkpoint (the authors' reported `--sel_res layer`):
#   python tools/test.py <this config> <checkpoint> --cfg-options "model.test_branches=['mapping']"
# rszoo's proposal branch differs from the authors' (configs/dsva/README.md, "The authors'
# code vs rszoo"). Run on the text-only fallback attributes (model
# ..._30e_proposal_text-only-attributes; the README's ablation table says on which splits).
_base_ = ['./dsva_efficientnet-lite0_in1k-pre_aid150-25-5_1xb24_30e.py']

model = dict(
    concentration=dict(
        _delete_=True, type='AttentionConcentration', window_ratio=0.5, top_k=3),
    concentration_start_iter=0,                # on from the first iteration
    test_branches=('mapping', 'proposal'),     # mean of the two branches' logits
)
