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
# # Authenticated encryption and nonces
#
# **Time:** 35 minutes. **Prerequisites:** the orientation notebook; Python `bytes`, XOR (`^`).
#
# **After this notebook you can** say what an AEAD cipher promises and what it asks of you in
# return, edit a message encrypted *without* authentication without knowing the key, read a
# message encrypted under a reused nonce, and explain why Noise counts its nonces.
#
# ## The story
#
# In the webinar "Meet the Founders" (summarised in the course's source), Mrinal Wadhwa explains
# why Ockam rewrote its secure-channel library from C to Rust: its core "consists of cryptographic
# messaging protocols", and with those "one tiny misstep renders an entire system insecure". This
# module rebuilds that channel (Noise XX over X25519, AES-256-GCM, SHA-256, as Ockam uses) in
# Python, and breaks each piece first. We start with the smallest piece and its two classic
# missteps.
#
# One correction before we start. The summary credits Rust's borrow checker with initialising
# "all variables before using them, meaning the same value can't get used twice accidentally".
# That is loose: the compiler's definite-initialisation check and its ownership rules are
# separate things, and neither stops a program from using the same *number* (a nonce) twice. A
# Rust API *can* make a nonce a value that is consumed on use, so reuse fails to compile; the
# language offers the tool, the protocol designer has to use it. Every mistake in this module can
# be written in Rust.

# %%
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from course.channels import key_source

keys = key_source("lecture-1")  # a seeded stand-in for os.urandom: the same keys on every run

# %% [markdown]
# ## What AEAD promises
#
# An **AEAD** cipher (authenticated encryption with associated data) takes a key, a **nonce**
# ("number used once"), a plaintext and some **associated data** (bytes that are authenticated but
# not encrypted: a header, a sequence number). It returns the ciphertext followed by a 16-byte
# **tag**. Decryption with the same key, nonce and associated data returns the plaintext, or
# refuses if *anything* changed. It promises:
#
# - **confidentiality**: the ciphertext says nothing about the plaintext except its length;
# - **integrity**: nobody without the key can make a ciphertext, tag and associated data that
#   decrypt, so a changed byte is detected.
#
# Both promises hold **only if a nonce is never used twice with the same key**. AES-256-GCM and
# ChaCha20-Poly1305, Noise's two ciphers, take 12-byte nonces.

# %%
key = keys()
aead = AESGCM(key)
nonce = bytes(12)
message = aead.encrypt(nonce, b"pay 10 EUR to Bob", b"header")
print(len(b"pay 10 EUR to Bob"), "bytes of plaintext ->", len(message), "bytes of ciphertext + tag")
print(aead.decrypt(nonce, message, b"header"))

# %% [markdown]
# ### Predict, then run
#
# We flip one bit of the *associated data* (which is not even encrypted). What does `decrypt` do?
#
# <details>
# <summary>Answer</summary>
#
# It raises `InvalidTag`: the tag covers the associated data too. The same happens for a flipped
# bit anywhere in the ciphertext or tag, for the wrong key and for the wrong nonce.
#
# </details>

# %%
for what, args in [
    ("one bit of the associated data", (nonce, message, b"headeR")),
    ("one bit of the ciphertext", (nonce, bytes([message[0] ^ 1]) + message[1:], b"header")),
    ("the wrong nonce", (b"\x00" * 11 + b"\x01", message, b"header")),
]:
    try:
        aead.decrypt(*args)
        print(f"{what}: accepted")
    except InvalidTag:
        print(f"{what}: InvalidTag")

# %% [markdown]
# ## Misstep 1: encryption without authentication
#
# AES in counter mode (**CTR**), the encryption inside GCM, XORs the plaintext with a
# **keystream** made from the key and the nonce. Without a tag, nothing stops an attacker from
# XOR-ing the ciphertext too: flipping ciphertext bit *i* flips plaintext bit *i*. If the attacker
# can guess the plaintext ("pay 10 EUR to Bob" is a fixed format), they can write any message of
# the same length, **without the key**.

# %%
ctr_key, ctr_nonce = keys(), bytes(16)


def ctr_encrypt(plaintext: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(ctr_key), modes.CTR(ctr_nonce)).encryptor()
    return encryptor.update(plaintext) + encryptor.finalize()


def ctr_decrypt(ciphertext: bytes) -> bytes:
    decryptor = Cipher(algorithms.AES(ctr_key), modes.CTR(ctr_nonce)).decryptor()
    return decryptor.update(ciphertext) + decryptor.finalize()


sent = ctr_encrypt(b"pay 10 EUR to Bob")
guess, wanted = b"pay 10 EUR to Bob", b"pay 99 EUR to Eve"
edited = bytes(c ^ g ^ w for c, g, w in zip(sent, guess, wanted, strict=True))  # no key used
print("the receiver decrypts:", ctr_decrypt(edited))

# %% [markdown]
# The same edit against AES-GCM fails: the tag no longer matches.

# %%
gcm_sent = aead.encrypt(nonce, guess, b"")
gcm_edited = bytes(c ^ g ^ w for c, g, w in zip(gcm_sent, guess, wanted, strict=False))
gcm_edited += gcm_sent[len(guess):]  # keep the tag
try:
    aead.decrypt(nonce, gcm_edited, b"")
except InvalidTag:
    print("AES-GCM: InvalidTag, the edit is detected")

# %% [markdown]
# ## Misstep 2: a reused nonce
#
# GCM and ChaCha20-Poly1305 also encrypt with a keystream that depends only on the key and the
# nonce. Encrypt two messages under the same pair and XOR the ciphertexts: the keystream cancels
# and what is left is the XOR of the two plaintexts. One known (or guessed) plaintext reveals the
# other. Assignment 3a asks you to write this attack as a function; here it is in two lines.

# %%
reused = bytes(12)
c1 = ChaCha20Poly1305(key).encrypt(reused, b"meet at the north gate", b"")
c2 = ChaCha20Poly1305(key).encrypt(reused, b"the password is hunter", b"")
known = b"meet at the north gate"
print(bytes(k ^ a ^ b for k, a, b in zip(known, c1, c2, strict=False)))

# %% [markdown]
# It is worse than that: with a repeated nonce, GCM's authentication key can be solved for from
# the two tags (Joux's "forbidden attack", 2006), after which the attacker can forge messages
# that pass the tag check; Poly1305's one-time key is likewise reused. So the tag does not save a
# reused nonce.
#
# Random 12-byte nonces are fine for a few billion messages per key; Noise instead uses a
# **counter**: message *n* is encrypted with nonce *n*, and the counter must never go back. That
# is the `CipherState` of assignment 3a: a key and a 64-bit counter, with one value, `2**64 - 1`,
# reserved for deriving a new key.
#
# ## Recap
#
# - AEAD gives confidentiality and integrity of the ciphertext *and* the associated data, and asks
#   for one thing in return: never repeat a (key, nonce) pair.
# - Encryption without a tag (CTR alone) lets anyone who can guess the plaintext rewrite it.
# - A reused nonce reveals the XOR of two plaintexts (and lets GCM tags be forged).
# - Noise counts nonces (0, 1, 2, ...) per key; a failed decryption must not move the counter.
# - No language enforces this for you; an API can (a nonce value that is used up when used).
#
# ## Self-check
#
# 1. Why does a failed decryption leave Noise's nonce counter where it was?
# 2. Is it safe to reuse a nonce if the two messages have different associated data?
#
# <details>
# <summary>Answers</summary>
#
# 1. Otherwise anyone who can inject one garbage packet moves the receiver's counter past the
#    sender's, and every later genuine message fails: a denial of service for the price of a
#    packet.
# 2. No. The keystream depends only on key and nonce, so the plaintexts still XOR out, and the tag
#    key is still exposed.
#
# </details>
#
# Next: `02-key-exchange`, where two parties agree on a key over an open network.
