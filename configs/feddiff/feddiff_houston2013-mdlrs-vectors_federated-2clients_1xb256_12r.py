# FedDiff-style model trained FEDERATED on Flower's simulation engine (tools/federated_train.py):
# 2 supernodes, client 0 holds the HSI vectors, client 1 the LiDAR vectors of the same pixels. Per
# round each client: one step on the server's fusion-loss gradient, 1 local epoch of its own
# objective (its head's CE + L1 noise loss, FedDiff.loss on a one-modality batch), then sends the
# low-rank codes (16 float32 per pixel) of its training, validation and test pixels. The server
# (label holder) trains the fusion head 3 epochs per round on the codes (a few ms). 12 rounds = the
# central run's 12 epochs for the clients.
# Best round chosen on validation OA, never on test.
_base_ = ['./feddiff_houston2013-mdlrs-vectors_central_1x1_1xb256_12e.py']
federated = dict(num_rounds=12, local_epochs=1, server_epochs=3, num_cpus_per_client=1)
