"""FedDiff on Flower's simulation engine: a ServerApp, a ClientApp, one
modality per supernode, all on one machine (``flwr.simulation.run_simulation``,
Ray backend).

Round ``r`` (Flower Message API, ``flwr>=1.20``):

* server -> client ``m`` (``train`` message): ``ArrayRecord`` ``grad`` = the
  fusion loss's gradient w.r.t. that client's previous training codes (none in
  round 1) and a ``ConfigRecord`` (round, local epochs);
* client ``m``: :meth:`FedDiffClientTrainer.train_round`, then replies with
  ``ArrayRecord`` ``train_codes`` (N_train, rank) - the communication module's
  payload - and ``eval_codes`` (validation and test pixels, for scoring);
* server: :meth:`FedDiffServerTrainer.fit` and :meth:`~FedDiffServerTrainer.score`.

Bytes are measured by serialising the actual reply / instruction messages
(:func:`rszoo.federated.payload.message_bytes`) and with
``ArrayRecord.count_bytes()`` for the code arrays alone. The run's history
(per round: validation and test scores, bytes per client) is returned; the
best round is chosen on validation OA, never on test.
"""
import copy
import time
from typing import Dict, List

import numpy as np
from mmengine.config import Config

from .feddiff_client import SPLITS, FedDiffClientTrainer
from .feddiff_server import FedDiffServerTrainer
from .payload import message_bytes, state_from_bytes, state_to_bytes

DEFAULT_FEDERATED = dict(num_rounds=12, local_epochs=1, server_epochs=1, num_cpus_per_client=1)


def federated_settings(cfg: Config) -> dict:
    """The config's ``federated`` dict over the defaults (unknown keys are an error)."""
    fed = dict(cfg.get('federated') or {})
    unknown = sorted(set(fed) - set(DEFAULT_FEDERATED))
    if unknown:
        raise KeyError(f'config "federated": unknown keys {unknown}; known: '
                       f'{sorted(DEFAULT_FEDERATED)}')
    return {**DEFAULT_FEDERATED, **fed}


def split_labels(cfg: Config) -> Dict[str, np.ndarray]:
    """Ground-truth labels of train / val / test in the clients' (dataset) order."""
    from rszoo.registry import DATASETS
    out = {}
    for split in SPLITS:
        ds_cfg = copy.deepcopy(cfg[f'{split}_dataloader']['dataset'])
        ds = DATASETS.build(ds_cfg)
        out[split] = np.asarray([ds.get_data_info(i)['gt_label'] for i in range(len(ds))],
                                np.int64)
    return out


def make_client_app(cfg_text: str):
    """A Flower ``ClientApp``: supernode ``partition-id`` ``m`` holds modality ``m``."""
    from flwr.app import ArrayRecord, ConfigRecord, Message, MetricRecord, RecordDict
    from flwr.clientapp import ClientApp

    app = ClientApp()

    @app.train()
    def train(msg: Message, context) -> Message:
        from rszoo.utils import register_all_modules
        register_all_modules()
        import torch
        torch.set_num_threads(1)
        cfg = Config.fromstring(cfg_text, file_format='.py')
        index = int(context.node_config['partition-id'])
        trainer = FedDiffClientTrainer(cfg, index)
        if 'trainer' in context.state:
            trainer.load_state_dict(state_from_bytes(context.state['trainer']['blob']))
        conf = msg.content['config']
        grad = msg.content['grad'].to_numpy_ndarrays()[0] if 'grad' in msg.content else None
        logs = trainer.train_round(grad, int(conf['local_epochs']))
        context.state['trainer'] = ConfigRecord({'blob': state_to_bytes(trainer.state_dict())})
        content = RecordDict({
            'train_codes': ArrayRecord(numpy_ndarrays=[trainer.codes('train')]),
            'eval_codes': ArrayRecord(numpy_ndarrays=[trainer.codes('val'),
                                                      trainer.codes('test')]),
            'info': ConfigRecord({'index': index}),
            'metrics': MetricRecord({k: float(v) for k, v in logs.items()} or {'none': 0.}),
        })
        return Message(content=content, reply_to=msg)

    return app


def make_server_app(cfg_text: str, history: List[dict]):
    """A Flower ``ServerApp`` running the FedDiff rounds; appends to ``history``."""
    from flwr.app import ArrayRecord, ConfigRecord, Message, RecordDict
    from flwr.serverapp import ServerApp

    app = ServerApp()

    @app.main()
    def main(grid, context) -> None:
        from rszoo.utils import register_all_modules
        register_all_modules()
        cfg = Config.fromstring(cfg_text, file_format='.py')
        fed = federated_settings(cfg)
        server = FedDiffServerTrainer(cfg, split_labels(cfg))
        node_ids = []
        while len(node_ids) < 2:
            node_ids = sorted(grid.get_node_ids())
            time.sleep(0.1) if len(node_ids) < 2 else None
        grads, index_of = [], {}
        for rnd in range(1, int(fed['num_rounds']) + 1):
            t0 = time.time()
            out = []
            for nid in node_ids:
                content = RecordDict({
                    'config': ConfigRecord({'round': rnd,
                                            'local_epochs': int(fed['local_epochs'])})})
                if grads:  # each client gets the gradient of its own codes only
                    content['grad'] = ArrayRecord(numpy_ndarrays=[grads[index_of[nid]]])
                out.append(Message(content=content, message_type='train', dst_node_id=nid))
            down = [message_bytes(m) for m in out]
            replies = list(grid.send_and_receive(out))
            errors = [r.error for r in replies if r.has_error()]
            if errors:
                raise RuntimeError(f'FedDiff simulation round {rnd}: client error {errors[0]}')
            by_index = {int(r.content['info']['index']): r for r in replies}
            index_of = {r.metadata.src_node_id: i for i, r in by_index.items()}
            if sorted(by_index) != [0, 1]:
                raise RuntimeError(f'FedDiff simulation: replies from clients '
                                   f'{sorted(by_index)}, expected [0, 1]')
            train_codes = [by_index[i].content['train_codes'].to_numpy_ndarrays()[0]
                           for i in (0, 1)]
            eval_codes = [by_index[i].content['eval_codes'].to_numpy_ndarrays() for i in (0, 1)]
            grads, loss = server.fit(train_codes, int(fed['server_epochs']))
            entry = dict(
                round=rnd, server_loss=loss,
                val=server.score([c[0] for c in eval_codes], 'val'),
                test=server.score([c[1] for c in eval_codes], 'test'),
                client_message_bytes=[message_bytes(by_index[i]) for i in (0, 1)],
                client_train_payload_bytes=[
                    by_index[i].content['train_codes'].count_bytes() for i in (0, 1)],
                client_eval_payload_bytes=[
                    by_index[i].content['eval_codes'].count_bytes() for i in (0, 1)],
                server_message_bytes=down,
                wall_s=round(time.time() - t0, 2))
            history.append(entry)
            print(f'FedDiff round {rnd}: val OA {entry["val"]["OA"]:.2f}, test OA '
                  f'{entry["test"]["OA"]:.2f}, bytes sent per client '
                  f'{entry["client_message_bytes"]}', flush=True)

    return app


def best_round(history: List[dict]) -> dict:
    """The round with the best validation OA (first on ties); never chosen on test."""
    if not history:
        raise ValueError('best_round: empty history')
    return max(history, key=lambda e: (e['val']['OA'], -e['round']))


def run_feddiff_simulation(cfg: Config) -> List[dict]:
    """Run FedDiff on 2 Flower supernodes (one per modality); return the per-round history."""
    from flwr.simulation import run_simulation
    fed = federated_settings(cfg)
    cfg_text = cfg.pretty_text
    history: List[dict] = []
    run_simulation(
        server_app=make_server_app(cfg_text, history),
        client_app=make_client_app(cfg_text),
        num_supernodes=2,
        backend_config={'client_resources': {'num_cpus': int(fed['num_cpus_per_client']),
                                             'num_gpus': 0.0},
                        'init_args': {'num_cpus': 2, 'include_dashboard': False}})
    if len(history) != int(fed['num_rounds']):
        raise RuntimeError(f'FedDiff simulation: {len(history)} of {fed["num_rounds"]} rounds '
                           'completed (see the Flower log above)')
    return history
