"""The published Noise XX test vectors shipped with the course (``course/data/channels-*``)."""

from __future__ import annotations

import json

from course.learner.paths import data_path

__all__ = ["decode_vectors", "load_vectors"]


def load_vectors(cipher: str) -> list[dict]:
    """The public Noise_XX_25519_<cipher>_SHA256 vectors, hex strings decoded to ``bytes``.

    Each is a dict with ``prologue``, ``init_static``, ``init_ephemeral``, ``resp_static``,
    ``resp_ephemeral``, ``handshake_hash`` (``None`` when the source gives none) and ``messages``
    (a list of ``(payload, ciphertext)`` pairs; senders alternate, initiator first: three
    handshake messages, then transport messages from the responder, the initiator, ...).
    """
    if cipher not in ("AESGCM", "ChaChaPoly"):
        raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
    raw = json.loads(data_path(f"channels-xx-{cipher.lower()}.json").read_text(encoding="utf-8"))
    return decode_vectors(raw["vectors"])


def decode_vectors(vectors: list[dict]) -> list[dict]:
    """Vectors in the course's JSON form (hex strings) with every hex field decoded to bytes."""
    out = []
    for v in vectors:
        out.append(
            {
                "source": v["source"],
                "prologue": bytes.fromhex(v["prologue"]),
                "init_static": bytes.fromhex(v["init_static"]),
                "init_ephemeral": bytes.fromhex(v["init_ephemeral"]),
                "resp_static": bytes.fromhex(v["resp_static"]),
                "resp_ephemeral": bytes.fromhex(v["resp_ephemeral"]),
                "handshake_hash": bytes.fromhex(v["handshake_hash"])
                if v["handshake_hash"]
                else None,
                "messages": [
                    (bytes.fromhex(m["payload"]), bytes.fromhex(m["ciphertext"]))
                    for m in v["messages"]
                ],
            }
        )
    return out
