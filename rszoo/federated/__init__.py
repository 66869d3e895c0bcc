"""Federated training of rszoo models with Flower (``flwr``) in simulation mode.

FedDiff (arXiv 2401.02433): one modality per client, the clients' low-rank codes
(the lightweight communication module's output) are what travels. See
:mod:`rszoo.federated.feddiff_client`, :mod:`rszoo.federated.feddiff_server`
and :func:`rszoo.federated.simulation.run_feddiff_simulation`.
"""
from .payload import message_bytes, state_from_bytes, state_to_bytes  # noqa: F401

__all__ = ['message_bytes', 'state_from_bytes', 'state_to_bytes']
