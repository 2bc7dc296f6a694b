"""X25519 on plain bytes, and seeded private keys so that every handshake is reproducible."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

__all__ = ["dh", "key_source", "public_key"]


def _key_bytes(value: bytes, what: str) -> bytes:
    if not isinstance(value, bytes | bytearray) or len(value) != 32:
        got = (
            f"{type(value).__name__} of length {len(value)}"
            if hasattr(value, "__len__")
            else (type(value).__name__)
        )
        raise ValueError(f"{what} must be 32 bytes, got {got}")
    return bytes(value)


def public_key(private: bytes) -> bytes:
    """The 32-byte X25519 public key of the 32-byte private key ``private``."""
    key = X25519PrivateKey.from_private_bytes(_key_bytes(private, "the private key"))
    return key.public_key().public_bytes_raw()


def dh(private: bytes, public: bytes) -> bytes:
    """Noise's DH(): the 32-byte X25519 shared secret of ``private`` and the peer's ``public``.

    Raises ``ValueError`` for a public key that gives the all-zero secret (a low-order point).
    """
    key = X25519PrivateKey.from_private_bytes(_key_bytes(private, "the private key"))
    peer = X25519PublicKey.from_public_bytes(_key_bytes(public, "the public key"))
    return key.exchange(peer)


def key_source(seed: int | str) -> Callable[[], bytes]:
    """A function returning a new 32-byte private key on each call, the same sequence per seed.

    It stands in for the operating system's random generator so that tests and lectures are
    reproducible. Never use it for real keys.
    """
    if not isinstance(seed, int | str):
        raise ValueError(f"key_source() takes an int or str seed, got {type(seed).__name__}")
    counter = 0

    def next_key() -> bytes:
        nonlocal counter
        counter += 1
        return hashlib.sha256(f"course-channels/{seed}/{counter}".encode()).digest()

    return next_key
