"""X25519 on plain bytes, and seeded private keys so that every handshake is reproducible."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

__all__ = ["aead", "dh", "key_source", "noise_nonce", "noise_rekey", "public_key"]


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


def aead(cipher: str, key: bytes):
    """The ``cryptography`` AEAD object for Noise's cipher name: 'AESGCM' or 'ChaChaPoly'."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

    if cipher not in ("AESGCM", "ChaChaPoly"):
        raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
    key = _key_bytes(key, "the key")
    return AESGCM(key) if cipher == "AESGCM" else ChaCha20Poly1305(key)


def noise_nonce(cipher: str, n: int) -> bytes:
    """Noise's 12-byte AEAD nonce for counter ``n``: 4 zero bytes, then n as 8 bytes (big-endian
    for AESGCM, little-endian for ChaChaPoly)."""
    if cipher not in ("AESGCM", "ChaChaPoly"):
        raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
    if not isinstance(n, int) or not 0 <= n < 2**64:
        raise ValueError(f"a nonce is an int from 0 to 2**64 - 1, got {n!r}")
    return bytes(4) + n.to_bytes(8, "big" if cipher == "AESGCM" else "little")


def noise_rekey(cipher: str, key: bytes) -> bytes:
    """Noise's REKEY(k): the first 32 bytes of ENCRYPT(k, 2**64 - 1, b"", 32 zero bytes)."""
    return aead(cipher, key).encrypt(noise_nonce(cipher, 2**64 - 1), bytes(32), b"")[:32]
