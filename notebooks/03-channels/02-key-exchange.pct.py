# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Key exchange and key derivation
#
# **Time:** 40 minutes. **Prerequisites:** `01-aead-and-nonces`.
#
# **After this notebook you can** agree on a shared secret with X25519, derive keys from it with
# HKDF as Noise does, explain what Noise's transcript hash is for, and show why a handshake that
# authenticates nobody (Noise NN) falls to a man in the middle.
#
# ## The story
#
# An AEAD needs a key both sides know. Ockam's applications meet over networks they do not trust
# (the webinar's "end-to-end encryption for all data in motion"), so the key has to be agreed
# over the open network. Noise does that with Diffie-Hellman on Curve25519 (X25519) and derives
# every key with HKDF over SHA-256. This notebook rebuilds those two steps, then the smallest
# Noise handshake, NN, and attacks it.

# %%
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from course.channels import dh, key_source, noise_peer, public_key

keys = key_source("lecture-2")

# %% [markdown]
# ## X25519
#
# Each side picks a 32-byte private key and publishes `public_key(private)`. Each combines its own
# private key with the other's public key; both get the same 32 bytes, and someone who saw only
# the two public keys cannot compute them (that is the Diffie-Hellman assumption on this curve).
# `dh` and `public_key` in `course.channels` are thin wrappers over `cryptography`'s X25519 that
# take and return `bytes`.

# %%
alice, bob = keys(), keys()
print("Alice's public key:", public_key(alice).hex())
print("same secret:", dh(alice, public_key(bob)) == dh(bob, public_key(alice)))

# %% [markdown]
# ## HKDF, as Noise uses it
#
# A DH output is a good secret but not a uniformly random key, and a handshake produces several.
# Noise feeds every DH output into a **chaining key** `ck` with HKDF: `HKDF(ck, ikm, 2)` returns a
# new chaining key and a cipher key. Noise defines HKDF from HMAC; it is exactly RFC 5869's HKDF
# with `ck` as the salt and empty info, which we can check against `cryptography`'s HKDF:

# %%
ck, ikm = hashlib.sha256(b"some chaining key").digest(), dh(alice, public_key(bob))
temp = hmac.new(ck, ikm, hashlib.sha256).digest()
out1 = hmac.new(temp, b"\x01", hashlib.sha256).digest()
out2 = hmac.new(temp, out1 + b"\x02", hashlib.sha256).digest()
rfc = HKDF(algorithm=hashes.SHA256(), length=64, salt=ck, info=b"").derive(ikm)
print("Noise's HKDF == RFC 5869 HKDF:", rfc == out1 + out2)

# %% [markdown]
# ## The transcript hash
#
# Noise also keeps a **handshake hash** `h`: every public key and every ciphertext of the handshake
# is hashed into it (`h = SHA256(h + data)`), and `h` is the associated data of every handshake
# encryption. So a byte changed in transit changes the receiver's `h`, and the next encrypted
# field fails its tag. At the end both sides hold the same `h` only if they saw the same
# transcript.
#
# ### Predict, then run
#
# Two honest NN peers (from the independent `noiseprotocol` package) run the handshake. NN is
#
# ```
# -> e
# <- e, ee
# ```
#
# (each side sends an ephemeral public key `e`; both mix `dh(e, re)` into the chaining key). Will
# their handshake hashes match? Will they, if we add a prologue (bytes both sides hash first,
# never sent) that differs?
#
# <details>
# <summary>Answer</summary>
#
# Yes in the first case; in the second the responder's reply fails to decrypt at the initiator,
# because the prologue went into `h`, and `h` is the associated data of the reply's payload.
#
# </details>

# %%
def nn_handshake(prologue_a: bytes = b"", prologue_b: bytes = b""):
    a = noise_peer("NN", "AESGCM", initiator=True, ephemeral=keys(), prologue=prologue_a)
    b = noise_peer("NN", "AESGCM", initiator=False, ephemeral=keys(), prologue=prologue_b)
    b.read_message(a.write_message(b""))
    a.read_message(b.write_message(b"hello from Bob"))
    return a, b


a, b = nn_handshake()
print("same handshake hash:", a.get_handshake_hash() == b.get_handshake_hash())
print("Alice decrypts:", a.decrypt(b.encrypt(b"transport message")))
try:
    nn_handshake(b"v1", b"v2")
except Exception as exc:  # noiseprotocol raises InvalidTag through its own layers
    print("different prologues:", type(exc).__name__)

# %% [markdown]
# ## A man in the middle
#
# NN's keys are fresh for each session and nothing ties them to a person. Mallory, on the path
# between Alice and Bob, answers Alice as if she were Bob and calls Bob as if she were Alice: two
# complete, honest NN handshakes. Both peers finish without any error; Mallory decrypts,
# re-encrypts, and can change what she forwards.

# %%
alice_side = noise_peer("NN", "AESGCM", initiator=True, ephemeral=keys())
bob_side = noise_peer("NN", "AESGCM", initiator=False, ephemeral=keys())
mallory_as_bob = noise_peer("NN", "AESGCM", initiator=False, ephemeral=keys())
mallory_as_alice = noise_peer("NN", "AESGCM", initiator=True, ephemeral=keys())

mallory_as_bob.read_message(alice_side.write_message(b""))
bob_side.read_message(mallory_as_alice.write_message(b""))
mallory_as_alice.read_message(bob_side.write_message(b""))
alice_side.read_message(mallory_as_bob.write_message(b""))

secret = alice_side.encrypt(b"the launch code is 1234")
print("Mallory reads:", bytes(mallory_as_bob.decrypt(secret)))
print("Bob receives:", bytes(bob_side.decrypt(mallory_as_alice.encrypt(b"the launch code is 0000"))))
print("handshake hashes equal:", alice_side.get_handshake_hash() == bob_side.get_handshake_hash())

# %% [markdown]
# The last line is the only trace: Alice and Bob hold *different* handshake hashes, but nothing in
# NN makes them compare. The fix is authentication: each side must prove it holds a long-term key
# the other expects. That is what XX's static keys (next notebook) and Ockam's identities (the
# notebook after) add. Assignment 3a asks you to write Mallory with your own Noise code, and to
# rewrite messages in flight.
#
# ## Recap
#
# - X25519 gives both sides the same 32-byte secret from exchanged public keys.
# - Noise's HKDF is RFC 5869 HKDF with the chaining key as salt; each DH is mixed into `ck`.
# - The handshake hash `h` covers the whole transcript and is the associated data of each
#   handshake encryption, so tampering or a prologue mismatch fails at the next encrypted field.
# - Key exchange without authentication (NN) is confidential only against passive listeners: an
#   active man in the middle runs two handshakes and reads everything.
#
# ## Self-check
#
# 1. Mallory forwards Alice's message 1 unchanged to Bob instead of sending her own `e`. What
#    happens?
# 2. Why hash the prologue if it is never sent?
#
# <details>
# <summary>Answers</summary>
#
# 1. Bob's `ee` is then computed with Alice's ephemeral key, whose private half Mallory does not
#    have, so Mallory cannot compute the key Bob uses and cannot read or forge his reply.
# 2. So that both sides confirm they agree on context negotiated outside the handshake (a version,
#    a route): if they do not, the handshake fails instead of silently going on.
#
# </details>
#
# Next: `03-noise-xx`, the handshake Ockam uses.
