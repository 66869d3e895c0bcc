# STAD stage 2 (arXiv 2401.01093): FC-to-conv distillation. The conv student
# (Fig. 3(b)) learns the frozen teacher's stage outputs on clean crops; it is
# the detector: saliency |dL/dX| of the STF-weighted reconstruction error.
# Same fold, data and budget as stad-teacher_c50_16px_1xb8_had-loso.py; set
# `model.teacher_checkpoint` to that run's checkpoint (the EMA teacher is used).
#   python tools/train.py configs/stad/stad-teacher_c50_16px_1xb8_had-loso.py
#   python tools/train.py configs/stad/stad-student_c50_16px_1xb8_had-loso.py \
#       --cfg-options model.teacher_checkpoint=work_dirs/stad-teacher_c50_16px_1xb8_had-loso/epoch_10.pth
#   python tools/test.py configs/stad/stad-student_c50_16px_1xb8_had-loso.py \
#       work_dirs/stad-student_c50_16px_1xb8_had-loso/epoch_10.pth --cfg-options 'custom_hooks=[]'
# (the checkpoint's state_dict already holds the EMA weights)
_base_ = ['./stad-teacher_c50_16px_1xb8_had-loso.py']

model = dict(
    stage='student',
    teacher_checkpoint='work_dirs/stad-teacher_c50_16px_1xb8_had-loso/epoch_10.pth',
    student=dict(_delete_=True, type='STADStudent', in_channels={{_base_.bands}}, num_stages=3,
                 hidden_dim=100, arch='conv'))

train_dataloader = dict(dataset=dict(anomaly_generator=None))  # clean crops

# authors' student EMA decay 0.9
custom_hooks = [
    dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=0.1,
         update_buffers=False, priority='ABOVE_NORMAL'),
]
