"""Support code for module 3 (encrypted channels).

X25519 and AEAD on plain bytes (``dh``, ``public_key``, ``aead``, ``noise_nonce``, ``noise_rekey``),
seeded keys (``key_source``), the published Noise XX vectors (``load_vectors``), an independent
Noise peer (``noise_peer``, from ``noiseprotocol``), Ed25519 identities (``Identity``), oracles for
hidden tests (``course.channels.oracle``) and the benchmark (``course.channels.bench``).
"""

from course.channels.identity import Identity, canonical, identifier_of
from course.channels.keys import aead, dh, key_source, noise_nonce, noise_rekey, public_key
from course.channels.peer import noise_peer, peer_remote_static
from course.channels.vectors import load_vectors

__all__ = [
    "Identity",
    "canonical",
    "identifier_of",
    "aead",
    "dh",
    "key_source",
    "load_vectors",
    "noise_nonce",
    "noise_peer",
    "noise_rekey",
    "peer_remote_static",
    "public_key",
]
