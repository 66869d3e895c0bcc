"""FedDiff federated training: the client and server trainers on a tiny synthetic MDL-RS-like
set (fast), the measured message size, and a 2-round, 2-supernode Flower simulation with bytes
counted (slow: Ray start-up)."""
import json

import numpy as np
import pytest
import torch
from scipy.io import savemat

from rszoo.utils import register_all_modules

register_all_modules()
from mmengine.config import Config  # noqa: E402

from conftest import REPO_ROOT  # noqa: E402
from rszoo.federated.feddiff_client import FedDiffClientTrainer  # noqa: E402
from rszoo.federated.feddiff_server import FedDiffServerTrainer  # noqa: E402
from rszoo.federated.simulation import best_round, federated_settings, split_labels  # noqa: E402

pytestmark = pytest.mark.usefixtures('single_thread_registry')
CONFIG = REPO_ROOT / 'configs/feddiff/feddiff_houston2013-mdlrs-vectors_federated-2clients_1xb256_12r.py'
RANK = 4


@pytest.fixture()
def tiny_cfg(tmp_path):
    """60 synthetic rows (4 per class), 30 / 15 / 15 split, a small FedDiff."""
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(1, 16), 4)
    savemat(tmp_path / 'HSI_TrSet.mat', {'HSI_TrSet': rng.random((60, 144))})
    savemat(tmp_path / 'LiDAR_TrSet.mat', {'LiDAR_TrSet': rng.random((60, 21))})
    savemat(tmp_path / 'TrLabel.mat', {'TrLabel': labels[:, None]})
    order = rng.permutation(60)
    split = tmp_path / 'split.json'
    split.write_text(json.dumps({'meta': {}, 'train': order[:30].tolist(),
                                 'val': order[30:45].tolist(), 'test': order[45:].tolist()}))
    cfg = Config.fromfile(CONFIG)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = str(tmp_path)
        cfg[loader].dataset.split_file = str(split)
    cfg.train_dataloader.batch_size = 16
    cfg.model.encoder.update(embed_dim=8, num_groups=4)
    cfg.model.comm.rank = RANK
    cfg.model.head.update(raw_dim=8, hidden_dim=16)
    cfg.federated.num_rounds = 1
    return cfg


def test_client_and_server_trainers_exchange_codes_and_gradients(tiny_cfg):
    labels = split_labels(tiny_cfg)
    assert {k: len(v) for k, v in labels.items()} == {'train': 30, 'val': 15, 'test': 15}
    clients = [FedDiffClientTrainer(tiny_cfg, i) for i in (0, 1)]
    assert [c.modality for c in clients] == ['hsi', 'lidar']
    before = [p.clone() for p in clients[1].own.parameters()]
    logs = clients[1].train_round(None, local_epochs=1)
    assert set(logs) >= {'loss', 'loss_aux_1', 'loss_diff_1'}
    assert any(not torch.equal(a, b) for a, b in zip(before, clients[1].own.parameters()))
    codes = [c.codes('train') for c in clients]
    assert all(c.shape == (30, RANK) and c.dtype == np.float32 for c in codes)
    server = FedDiffServerTrainer(tiny_cfg, labels)
    grads, loss = server.fit(codes, epochs=1)
    assert np.isfinite(loss) and [g.shape for g in grads] == [(30, RANK)] * 2
    # the gradient of the mean CE: rows sum to ~0 per sample through the head; not all zero
    assert all(np.abs(g).sum() > 0 for g in grads)
    # a client moves against the server's gradient: the surrogate sum(c * g) decreases
    # (small Adam steps, so that the first-order decrease dominates)
    for group in clients[0].optim_wrapper.optimizer.param_groups:
        group['lr'] = 1e-5
    first = clients[0].apply_server_gradient(grads[0])
    second = clients[0].apply_server_gradient(grads[0])
    assert second < first
    scores = server.score([c.codes('val') for c in clients], 'val')
    assert set(scores) == {'OA', 'AA', 'kappa'} and 0 <= scores['OA'] <= 100
    with pytest.raises(ValueError, match='codes of shape'):
        server.fit([codes[0][:5], codes[1]], epochs=1)
    state = clients[0].state_dict()
    fresh = FedDiffClientTrainer(tiny_cfg, 0)
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh.codes('val'), clients[0].codes('val'))


def test_settings_and_best_round_on_validation():
    cfg = Config(dict(federated=dict(num_rounds=3)))
    assert federated_settings(cfg)['num_rounds'] == 3
    with pytest.raises(KeyError, match='unknown keys'):
        federated_settings(Config(dict(federated=dict(rounds=3))))
    history = [dict(round=1, val=dict(OA=50.), test=dict(OA=90.)),
               dict(round=2, val=dict(OA=60.), test=dict(OA=10.))]
    assert best_round(history)['round'] == 2  # the test OA plays no part


def test_message_bytes_are_measured_on_the_wire_form(monkeypatch):
    from flwr.app import ArrayRecord, Message, RecordDict
    from flwr.supercore.task_identity import TaskIdentity
    for name in ('_run_id', '_node_id', '_task_id'):  # set by Flower inside a run
        monkeypatch.setattr(TaskIdentity, name, 1)
    from rszoo.federated import message_bytes
    codes = np.zeros((100, RANK), np.float32)
    record = ArrayRecord(numpy_ndarrays=[codes])
    msg = Message(content=RecordDict({'train_codes': record}), message_type='train',
                  dst_node_id=1)
    n = message_bytes(msg)
    assert record.count_bytes() >= codes.nbytes
    assert codes.nbytes < n < codes.nbytes + 2048  # the payload plus a small header


@pytest.mark.slow
def test_two_supernode_simulation_counts_bytes(tiny_cfg):
    from rszoo.federated.simulation import run_feddiff_simulation
    tiny_cfg.federated.num_rounds = 2  # round 2 carries the server's gradients
    history = run_feddiff_simulation(tiny_cfg)
    assert len(history) == 2
    # round 1: no gradient yet; round 2: each client gets its own (30, RANK) gradient only
    assert all(b < 1024 for b in history[0]['server_message_bytes'])
    assert all(30 * RANK * 4 < b < 2 * 30 * RANK * 4 for b in history[1]['server_message_bytes'])
    entry = history[0]
    assert len(entry['client_message_bytes']) == 2
    for sent, payload in zip(entry['client_message_bytes'], entry['client_train_payload_bytes']):
        assert payload >= 30 * RANK * 4 and sent > payload
    assert 0 <= entry['val']['OA'] <= 100 and 0 <= entry['test']['OA'] <= 100
