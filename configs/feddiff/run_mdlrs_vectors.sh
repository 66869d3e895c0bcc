#!/usr/bin/env bash
# The pixel-vector results of configs/feddiff/README.md: the FedDiff-style model trained centrally
# (fusion, HSI-only, LiDAR-only; the fusion model also tested with LiDAR only) and federated on 2
# Flower supernodes (one modality each), on seeds 0 1 2 of the MDL-RS Houston2013 training-vector
# split. Federated twice: server 3 epochs per round, and 1 (the central run's compute). Central: tools/train.py (checkpoint chosen on val) + tools/test.py --record. Federated:
# tools/federated_train.py --record (round chosen on val; bytes per round in
# work_dirs/feddiff/mdlrs-vectors_federated-2clients*/seed$s/federated_history.json). From the repo root:
#   bash configs/feddiff/run_mdlrs_vectors.sh [SEEDS...]
set -euo pipefail
SEEDS=${*:-0 1 2}
REC=configs/feddiff/results.jsonl
D=configs/feddiff
for s in $SEEDS; do
  SPLIT=splits/houston2013-mdlrs/trainvec_60-20-20_seed${s}.json
  OPTS="randomness.seed=$s train_dataloader.dataset.split_file=$SPLIT val_dataloader.dataset.split_file=$SPLIT test_dataloader.dataset.split_file=$SPLIT"
  for v in central hsi-only lidar-only; do
    if [ $v = hsi-only ]; then  # the federated runs right after their central reference
      for f in federated-2clients federated-2clients-equal-compute; do
        python tools/federated_train.py $D/feddiff_houston2013-mdlrs-vectors_${f}_1xb256_12r.py \
          --work-dir work_dirs/feddiff/mdlrs-vectors_$f/seed$s --record $REC --cfg-options $OPTS
      done
    fi
    CFG=$D/feddiff_houston2013-mdlrs-vectors_${v}_1x1_1xb256_12e.py
    WD=work_dirs/feddiff/mdlrs-vectors_${v}/seed$s
    python tools/train.py $CFG --work-dir $WD --cfg-options $OPTS
    BEST=$(ls $WD/best_OA_epoch_*.pth | head -1)
    python tools/test.py $CFG $BEST --work-dir $WD --record $REC --cfg-options $OPTS
    if [ $v = central ]; then
      python tools/test.py $D/feddiff_houston2013-mdlrs-vectors_central-lidar-missing-test_1x1_1xb256.py \
        $BEST --work-dir $WD --record $REC --cfg-options $OPTS
    fi
  done
done
