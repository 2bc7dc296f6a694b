"""Identities for module 3: Ed25519 signing keys, identifiers, attestations and credentials.

The format is the course's own, simpler than Ockam's but with the same structure: an identity
signs an **attestation** binding its current Noise static key, and an **authority** signs
**credentials** (attributes about an identifier). Both are JSON documents
``{"body": {...}, "signature": "<hex>"}`` whose signature covers ``canonical(body)``.
"""

from __future__ import annotations

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["Identity", "canonical", "identifier_of"]


def canonical(body: dict) -> bytes:
    """The bytes a signature covers: ``json.dumps(body, sort_keys=True)`` encoded as UTF-8."""
    return json.dumps(body, sort_keys=True).encode("utf-8")


def identifier_of(identity_key: bytes) -> str:
    """``"I"`` + hex of the first 20 bytes of SHA-256 of the 32-byte Ed25519 public key."""
    if not isinstance(identity_key, bytes) or len(identity_key) != 32:
        raise ValueError("an identity key is 32 bytes (an Ed25519 public key)")
    return "I" + hashlib.sha256(identity_key).digest()[:20].hex()


class Identity:
    """An Ed25519 identity made from a 32-byte seed (use ``key_source`` for reproducible ones).

    Attributes:
        public: the identity's Ed25519 public key, 32 ``bytes`` (``.hex()`` for policies).
        identifier: the identifier derived from ``public`` (a ``str``, see ``identifier_of``).
    """

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != 32:
            raise ValueError("an identity seed is 32 bytes")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public = self._key.public_key().public_bytes_raw()
        self.identifier = identifier_of(self.public)

    def _signed(self, body: dict) -> bytes:
        signature = self._key.sign(canonical(body)).hex()
        return json.dumps({"body": body, "signature": signature}).encode("utf-8")

    def attest(self, static_public: bytes, expires: int) -> bytes:
        """An attestation: "my Noise static key is ``static_public`` until ``expires``"."""
        body = {
            "identifier": self.identifier,
            "identity_key": self.public.hex(),
            "noise_static": bytes(static_public).hex(),
            "expires": int(expires),
        }
        return self._signed(body)

    def issue(self, subject: str, attributes: dict, expires: int) -> bytes:
        """A credential signed by this identity as an authority, about ``subject``."""
        body = {
            "subject": subject,
            "attributes": dict(attributes),
            "authority_key": self.public.hex(),
            "expires": int(expires),
        }
        return self._signed(body)
