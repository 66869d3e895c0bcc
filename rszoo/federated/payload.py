"""What a Flower message weighs, and client state kept across rounds.

``message_bytes`` serialises a :class:`flwr.app.Message` to its protobuf wire
form (``flwr.common.serde.message_to_proto``) and returns the byte count: the
bytes that message puts on the wire, measured, not derived from tensor shapes.
"""
import io

import torch


def message_bytes(message) -> int:
    """Serialised size in bytes of a Flower ``Message`` (protobuf wire form)."""
    from flwr.common.serde import message_to_proto
    return int(message_to_proto(message).ByteSize())


def state_to_bytes(state: dict) -> bytes:
    """``torch.save`` of a (nested) dict of tensors, for a ``ConfigRecord``."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def state_from_bytes(blob: bytes) -> dict:
    """Inverse of :func:`state_to_bytes` (``weights_only=True``: own data, tensors only)."""
    return torch.load(io.BytesIO(blob), map_location='cpu', weights_only=True)
