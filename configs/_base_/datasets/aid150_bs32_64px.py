# AID-150px at 64 px: aid150_bs32_128px.py (the same split, batch, augmentation and loaders)
# with the Resize of both pipelines set to 64 x 64.
_base_ = ['./aid150_bs32_128px.py']

img_size = 64
train_pipeline = [dict(t, scale=(img_size, img_size)) if t.type == 'Resize' else t
                  for t in _base_.train_pipeline]
test_pipeline = [dict(t, scale=(img_size, img_size)) if t.type == 'Resize' else t
                 for t in _base_.test_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
