"""Federated training from a config on Flower's simulation engine (FedDiff).

    python tools/federated_train.py CONFIG [--work-dir DIR] [--record FILE] [--model NAME]
        [--cfg-options k=v ...]
    python tools/federated_train.py --bytes-table RECORDS --readme README.md

Two Flower supernodes (one modality each) and a ServerApp run in this process
(``flwr.simulation.run_simulation``, Ray backend; ``federated`` in the config:
``num_rounds``, ``local_epochs``, ``server_epochs``, ``num_cpus_per_client``).
Writes ``<work-dir>/federated_history.json`` (per round: validation and test
OA / AA / kappa of the fused prediction, bytes of every client's reply message
and of its code arrays, bytes the server sent, wall time). The round with the
best validation OA is selected (never test); with ``--record FILE`` its test
metrics are appended as a results record (``rszoo.utils.records``,
``selected_on='val'``) together with the selected round and the bytes of the
last round (:func:`record_metrics`: ``uplink_bytes/client<k>``,
``uplink_train_codes_bytes/client<k>``, ``uplink_eval_codes_bytes/client<k>``,
``downlink_bytes/client<k>``).
"""
import argparse
import json
import os
import os.path as osp
import time

from rszoo.utils.tool_setup import load_config, prepare_tool

prepare_tool()

from mmengine.config import DictAction  # noqa: E402

from rszoo.federated.bytes_table import write_bytes_table  # noqa: E402
from rszoo.federated.simulation import best_round, run_feddiff_simulation  # noqa: E402
from rszoo.fileio import atomic_write_bytes  # noqa: E402
from rszoo.utils.config_utils import default_work_dir  # noqa: E402
from rszoo.utils.records import append_record, argv_of, make_record  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Federated (Flower simulation) training')
    parser.add_argument('config', nargs='?', help='the config file (with a "federated" section)')
    parser.add_argument('--bytes-table', metavar='RECORDS',
                        help='write the bytes-per-round table of the federated records in '
                             'RECORDS into --readme (between the bytes markers) and exit')
    parser.add_argument('--readme', help='the README for --bytes-table')
    parser.add_argument('--work-dir', help='where the history is written')
    parser.add_argument('--record', metavar='FILE',
                        help='append a results record of the best-validation round (test split)')
    parser.add_argument('--model', help="the metafile model name (default: the config's stem)")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def summarise(history):
    best = best_round(history)
    last = history[-1]
    return dict(best_round=best['round'], val=best['val'], test=best['test'],
                client_message_bytes_per_round=last['client_message_bytes'],
                client_train_payload_bytes_per_round=last['client_train_payload_bytes'],
                client_eval_payload_bytes_per_round=last['client_eval_payload_bytes'],
                server_message_bytes_per_round=last['server_message_bytes'])


def record_metrics(summary):
    """The numbers a federated run's record holds: the selected round's test
    metrics, the round, and each client's bytes per round (the last round)."""
    metrics = dict(summary['test'], best_round=summary['best_round'])
    for name, key in (('uplink_bytes', 'client_message_bytes_per_round'),
                      ('uplink_train_codes_bytes', 'client_train_payload_bytes_per_round'),
                      ('uplink_eval_codes_bytes', 'client_eval_payload_bytes_per_round'),
                      ('downlink_bytes', 'server_message_bytes_per_round')):
        for client, value in enumerate(summary[key]):
            metrics[f'{name}/client{client}'] = value
    return metrics


def main(argv=None):
    start = time.perf_counter()
    args = parse_args(argv)
    if args.bytes_table:
        if not args.readme:
            raise SystemExit('--bytes-table needs --readme README.md')
        write_bytes_table(args.bytes_table, args.readme)
        return
    if not args.config:
        raise SystemExit('federated_train.py: a config file is required')
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    cfg = load_config(args.config, args.cfg_options)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or default_work_dir(args.config)
    os.makedirs(cfg.work_dir, exist_ok=True)
    history = run_feddiff_simulation(cfg)
    summary = summarise(history)
    atomic_write_bytes(json.dumps(dict(summary=summary, rounds=history), indent=1).encode(),
                       osp.join(cfg.work_dir, 'federated_history.json'))
    print(f'rszoo: federated run of {osp.basename(args.config)}: best validation round '
          f'{summary["best_round"]}, val OA {summary["val"]["OA"]:.2f}, test OA '
          f'{summary["test"]["OA"]:.2f}; bytes sent per round by each client '
          f'{summary["client_message_bytes_per_round"]} (codes of the training pixels '
          f'{summary["client_train_payload_bytes_per_round"]}); history in '
          f'{cfg.work_dir}/federated_history.json', flush=True)
    if args.record:
        record = make_record(
            model=args.model or osp.splitext(osp.basename(args.config))[0],
            config=args.config, cfg=cfg, metrics=record_metrics(summary), eval_split='test',
            selected_on='val', wall_s=time.perf_counter() - start, argv=argv_of(argv))
        append_record(args.record, record)
        print(f'rszoo: record appended to {args.record}', flush=True)


if __name__ == '__main__':
    main()
