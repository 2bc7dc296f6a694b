"""Support code for module 3 (encrypted channels): X25519 on bytes, seeded keys, test vectors and
an independent Noise peer (``noiseprotocol``) for interoperation tests."""

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
