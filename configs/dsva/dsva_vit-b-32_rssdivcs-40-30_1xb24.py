# DSVA on RSSDIVCS, 40 seen / 30 unseen: as dsva_vit-b-32_rssdivcs-60-10_1xb24.py (read its header: the
# RSSDIVCS images are NOT available here), with the seeded split
# splits/zsl/rssdivcs/rssdivcs_40-30_seed0.json and its own attribute file.
_base_ = ['./dsva_vit-b-32_rssdivcs-60-10_1xb24.py']

class_split = 'splits/zsl/rssdivcs/rssdivcs_40-30_seed0.json'
attribute_file = 'work_dirs/dsva/attributes/rssdivcs_40-30_rs-visual-attributes.npy'

attribute_annotation = dict(class_split=class_split, out=attribute_file)
model = dict(class_split=class_split, class_attributes=attribute_file)
train_dataloader = dict(dataset=dict(class_split=class_split))
test_dataloader = dict(dataset=dict(class_split=class_split))
