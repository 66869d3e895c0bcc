# AID-150px 16 % train / 4 % val / 80 % test (aid150-16-4-80_bs32_128px.py: the validation split
# carved from the 20 % training share, splits/aid_val04) with the Resize of every pipeline at
# 64 x 64, as aid150_bs32_64px.py does for the plain 20/80 split.
_base_ = ['./aid150-16-4-80_bs32_128px.py']

img_size = 64
train_pipeline = [dict(t, scale=(img_size, img_size)) if t.type == 'Resize' else t
                  for t in _base_.train_pipeline]
test_pipeline = [dict(t, scale=(img_size, img_size)) if t.type == 'Resize' else t
                 for t in _base_.test_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
