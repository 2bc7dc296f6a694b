"""Oracles for hidden tests and lectures: ``noiseprotocol``'s own CipherState and SymmetricState.

They come from an implementation written independently of the course, so a test that compares a
learner's state machine with them is not comparing it with a copy of the solution.
"""

from __future__ import annotations

__all__ = ["oracle_cipher_state", "oracle_symmetric_state"]


def oracle_cipher_state(cipher: str, key: bytes | None):
    """``noise.state.CipherState`` for ``cipher`` ('AESGCM' or 'ChaChaPoly') holding ``key``.

    Methods: ``encrypt_with_ad(ad, pt)``, ``decrypt_with_ad(ad, ct)``, ``rekey()``, attribute
    ``n`` (the nonce).
    """
    from noise.connection import NoiseConnection
    from noise.constants import Empty
    from noise.state import CipherState

    if cipher not in ("AESGCM", "ChaChaPoly"):
        raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
    protocol = NoiseConnection.from_name(f"Noise_NN_25519_{cipher}_SHA256".encode()).noise_protocol
    state = CipherState(protocol)
    state.initialize_key(Empty() if key is None else bytes(key))
    return state


def oracle_symmetric_state(protocol_name: bytes):
    """``noise.state.SymmetricState`` initialised with ``protocol_name`` (a valid Noise name).

    Methods: ``mix_hash``, ``mix_key``, ``encrypt_and_hash``, ``decrypt_and_hash``; attributes
    ``h`` (handshake hash) and ``ck`` (chaining key). Its ``split`` needs a whole handshake: use
    HKDF(ck, b"", 2) instead.
    """
    from noise.connection import NoiseConnection
    from noise.state import SymmetricState

    protocol = NoiseConnection.from_name(bytes(protocol_name)).noise_protocol
    return SymmetricState.initialize_symmetric(protocol)
