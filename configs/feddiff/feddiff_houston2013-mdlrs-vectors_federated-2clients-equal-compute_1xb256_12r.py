# The federated FedDiff-style run at the central run's compute: as
# feddiff_houston2013-mdlrs-vectors_federated-2clients_1xb256_12r.py, but the server trains the fusion
# head 1 epoch per round (12 in all, as the central run's 12 joint epochs), not 3 (36 in all).
# The clients already match the central run: 12 rounds x 1 local epoch (+ one step on the server's
# gradient per round). Best round chosen on validation OA, never on test.
_base_ = ['./feddiff_houston2013-mdlrs-vectors_federated-2clients_1xb256_12r.py']
federated = dict(server_epochs=1)
