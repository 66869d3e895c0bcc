#!/usr/bin/env bash
# The pixel-vector results of configs/mdfl/README.md: MDFL-like fusion, HSI-only and LiDAR-only, and
# the fusion model tested with LiDAR only, on seeds 0 1 2 of the MDL-RS Houston2013 training-vector
# split. Each run: tools/train.py (checkpoint chosen on val), then tools/test.py on the test rows
# with --record (selected_on = val). Run from the repository root:
#   bash configs/mdfl/run_mdlrs_vectors.sh [SEEDS...]
set -euo pipefail
SEEDS=${*:-0 1 2}
REC=configs/mdfl/results.jsonl
D=configs/mdfl
for s in $SEEDS; do
  SPLIT=splits/houston2013-mdlrs/trainvec_60-20-20_seed${s}.json
  OPTS="randomness.seed=$s train_dataloader.dataset.split_file=$SPLIT val_dataloader.dataset.split_file=$SPLIT test_dataloader.dataset.split_file=$SPLIT"
  for v in fusion hsi-only lidar-only; do
    CFG=$D/mdfl_houston2013-mdlrs-vectors_${v}_1x1_1xb256_12e.py
    WD=work_dirs/mdfl/mdlrs-vectors_${v}/seed$s
    python tools/train.py $CFG --work-dir $WD --cfg-options $OPTS
    BEST=$(ls $WD/best_OA_epoch_*.pth | head -1)
    python tools/test.py $CFG $BEST --work-dir $WD --record $REC --cfg-options $OPTS
    if [ $v = fusion ]; then
      python tools/test.py $D/mdfl_houston2013-mdlrs-vectors_fusion-lidar-missing-test_1x1_1xb256.py $BEST \
        --work-dir $WD --record $REC --cfg-options $OPTS
    fi
  done
done
