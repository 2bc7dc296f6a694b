"""An independent Noise peer: PyPI ``noiseprotocol`` (0.3.1), wrapped for in-memory tests."""

from __future__ import annotations

import warnings

__all__ = ["noise_peer", "peer_remote_static", "CIPHERS"]

CIPHERS = ("AESGCM", "ChaChaPoly")


def noise_peer(
    pattern: str,
    cipher: str,
    initiator: bool,
    static: bytes | None = None,
    ephemeral: bytes | None = None,
    prologue: bytes = b"",
):
    """A started ``noise.connection.NoiseConnection`` for ``Noise_<pattern>_25519_<cipher>_SHA256``.

    ``static`` and ``ephemeral`` are 32-byte private keys; a fixed ephemeral key makes the
    handshake reproducible (``noiseprotocol`` warns about it, which this wrapper silences: tests
    must keep stderr empty). Call ``write_message``/``read_message``, then ``encrypt``/``decrypt``
    with ``bytes``.
    """
    from noise.connection import Keypair, NoiseConnection

    if pattern not in ("NN", "XX"):
        raise ValueError(f"pattern must be 'NN' or 'XX', got {pattern!r}")
    if cipher not in CIPHERS:
        raise ValueError(f"cipher must be one of {CIPHERS}, got {cipher!r}")
    if pattern == "XX" and static is None:
        raise ValueError("an XX peer needs its static private key (32 bytes)")
    conn = NoiseConnection.from_name(f"Noise_{pattern}_25519_{cipher}_SHA256".encode())
    if initiator:
        conn.set_as_initiator()
    else:
        conn.set_as_responder()
    if static is not None:
        conn.set_keypair_from_private_bytes(Keypair.STATIC, bytes(static))
    if ephemeral is not None:
        conn.set_keypair_from_private_bytes(Keypair.EPHEMERAL, bytes(ephemeral))
    if prologue:
        conn.set_prologue(bytes(prologue))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conn.start_handshake()
    # noiseprotocol drops its handshake state when the handshake ends; keep it for the peer's key.
    conn._course_handshake_state = conn.noise_protocol.handshake_state
    return conn


def peer_remote_static(conn) -> bytes | None:
    """The static public key a ``noise_peer`` connection received (``None`` before it arrives)."""
    state = getattr(conn, "_course_handshake_state", None)
    if state is None:
        raise ValueError("peer_remote_static() takes a connection made by noise_peer()")
    remote = getattr(state.rs, "public_bytes", None)  # noiseprotocol uses an Empty() placeholder
    return None if remote is None else bytes(remote)
