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
# # Assignment 3a: from AEAD to the Noise XX handshake
#
# **Time:** about 4 hours. **Points:** 14. **Prerequisites:** the lectures `01-aead-and-nonces`,
# `02-key-exchange` and `03-noise-xx` in `notebooks/03-channels/`; Python classes and `bytes`.
#
# Ockam's secure channel, as Mrinal Wadhwa describes it in the webinar, is a cryptographic
# messaging protocol where "one tiny misstep renders an entire system insecure". Its handshake is
# Noise XX over X25519, with AES-256-GCM and SHA-256. You will build that handshake from the
# primitives of the `cryptography` package, breaking what each piece prevents as you go:
#
# 1. **CipherState** (3 points): AEAD with Noise's nonces, failures that change nothing, `rekey`.
# 2. **Nonce reuse** (2 points): read a message encrypted twice under one key and nonce.
# 3. **SymmetricState** (3 points): HKDF from HMAC, the transcript hash, `split`.
# 4. **Man in the middle of Noise NN** (2 points): read and rewrite a channel with no
#    authentication.
# 5. **Noise XX** (4 points): both roles; checked against the published test vectors and against an
#    independent implementation, `noiseprotocol`.
#
# The specification is the Noise Protocol Framework, revision 34 (noiseprotocol.org/noise.html);
# each exercise states what you need of it. Replace `raise NotImplementedError()` in each answer
# cell, run the public tests under it, ask `course.hint("<exercise id>")` when stuck, and press
# **Validate** at the end. Later exercises build on your earlier classes. Keep the names and
# parameters; return exactly the types named (`bytes`, not `bytearray`).
#
# Keys come from `key_source(seed)`, a seeded stand-in for the operating system's random generator,
# so every run is the same. Never do that with real keys.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

import course
from course.channels import dh, key_source, load_vectors, noise_peer, public_key
from course.learner.checking import check, check_raises

MAX_NONCE = 2**64 - 1  # reserved: never used to encrypt a message

# %% [markdown]
# ## Exercise 1: CipherState (3 points)
#
# Noise wraps an AEAD cipher in a **CipherState**: a 32-byte key `k` (or no key yet) and a message
# counter `n`, the nonce. Write the class `CipherState(cipher, key=None)`:
#
# - `cipher` is `"AESGCM"` (AES-256-GCM, `AESGCM` in the set-up cell) or `"ChaChaPoly"`
#   (ChaCha20-Poly1305, `ChaCha20Poly1305`); anything else raises `ValueError`. `key` is `None` (no
#   key) or 32 `bytes`. The nonce starts at 0.
# - `has_key()` returns whether there is a key; `nonce()` returns `n`; `set_nonce(n)` sets it.
# - `encrypt_with_ad(ad, plaintext)`: with no key, return `plaintext` unchanged (and leave `n`
#   alone). With a key, return the AEAD encryption of `plaintext` with associated data `ad` (the
#   ciphertext followed by its 16-byte tag, as `cryptography` returns it) and add 1 to `n`. The
#   12-byte nonce is 4 zero bytes followed by `n` as 8 bytes: **big-endian** for AESGCM,
#   **little-endian** for ChaChaPoly.
# - `decrypt_with_ad(ad, ciphertext)`: the reverse. With no key, return `ciphertext` unchanged.
#   If authentication fails (`cryptography` raises `InvalidTag`), raise `ValueError` and **leave
#   `n` unchanged**, so that a forged message cannot desynchronise the channel.
# - `n == MAX_NONCE` (2**64 - 1) is reserved: with a key, `encrypt_with_ad` and `decrypt_with_ad`
#   raise `OverflowError` when `n` has reached it.
# - `rekey()`: the new key is the first 32 bytes of the encryption of 32 zero bytes, with nonce
#   `MAX_NONCE` and empty associated data, under the old key. `n` is unchanged.
#
# ```python
# cs = CipherState("AESGCM", bytes(32))
# cs.encrypt_with_ad(b"", b"hi").hex()  # -> 'a6cead145cef...' (2 bytes of ciphertext, 16 of tag)
# cs.nonce()                            # -> 1
# ```
#
# Exercise id: `cipher-state`.

# %% nbgrader={"grade": false, "grade_id": "cipher-state", "locked": false, "schema_version": 3, "solution": true, "task": false}
class CipherState:
    """Noise's CipherState: an AEAD key (or none) and a 64-bit message counter."""

    def __init__(self, cipher: str, key: bytes | None = None) -> None:
        ### BEGIN SOLUTION
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
        if key is not None and len(key) != 32:
            raise ValueError("a key is 32 bytes")
        self.cipher = cipher
        self.k = None if key is None else bytes(key)
        self.n = 0
        ### END SOLUTION

    def has_key(self) -> bool:
        """Whether a key is set."""
        ### BEGIN SOLUTION
        return self.k is not None
        ### END SOLUTION

    def nonce(self) -> int:
        """The nonce the next message will use."""
        ### BEGIN SOLUTION
        return self.n
        ### END SOLUTION

    def set_nonce(self, n: int) -> None:
        """Set the nonce."""
        ### BEGIN SOLUTION
        self.n = n
        ### END SOLUTION

    def encrypt_with_ad(self, ad: bytes, plaintext: bytes) -> bytes:
        """AEAD-encrypt ``plaintext`` with associated data ``ad`` under (k, n), then n += 1."""
        ### BEGIN SOLUTION
        if self.k is None:
            return plaintext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        ciphertext = aead.encrypt(nonce, plaintext, ad)
        self.n += 1
        return ciphertext
        ### END SOLUTION

    def decrypt_with_ad(self, ad: bytes, ciphertext: bytes) -> bytes:
        """Decrypt and authenticate; ValueError (n unchanged) if authentication fails."""
        ### BEGIN SOLUTION
        if self.k is None:
            return ciphertext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        try:
            plaintext = aead.decrypt(nonce, ciphertext, ad)
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        self.n += 1
        return plaintext
        ### END SOLUTION

    def rekey(self) -> None:
        """Replace the key by the first 32 bytes of ENCRYPT(k, MAX_NONCE, b"", 32 zero bytes)."""
        ### BEGIN SOLUTION
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + MAX_NONCE.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        self.k = aead.encrypt(nonce, bytes(32), b"")[:32]
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "cipher-state-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your class.
_key = bytes(range(32))
_cs = CipherState("AESGCM", _key)
check(_cs.has_key(), True, "CipherState('AESGCM', key).has_key()")
_ct = _cs.encrypt_with_ad(b"ad", b"hello")
check(_ct, AESGCM(_key).encrypt(bytes(11) + b"\x00", b"hello", b"ad"), "the first encryption")
check(_cs.nonce(), 1, "nonce() after one encryption")
_ct2 = _cs.encrypt_with_ad(b"", b"again")
check(_ct2, AESGCM(_key).encrypt(bytes(11) + b"\x01", b"again", b""), "the second encryption")
_rx = CipherState("AESGCM", _key)
check(_rx.decrypt_with_ad(b"ad", _ct), b"hello", "decrypt_with_ad(b'ad', <first message>)")
check_raises(_rx.decrypt_with_ad, (b"ad", _ct2), ValueError, "decrypt_with_ad with the wrong ad")
check(_rx.nonce(), 1, "nonce() after a failed decryption (must not move)")
check(CipherState("ChaChaPoly").encrypt_with_ad(b"x", b"clear"), b"clear",
      "encrypt_with_ad with no key")
check_raises(CipherState, ("AES",), ValueError, "CipherState('AES')")
print("cipher-state: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "cipher-state-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from course.channels.oracle import oracle_cipher_state as _oracle_cs

_rng = course.rng(31)
for _cipher in ("AESGCM", "ChaChaPoly"):
    for _trial in range(8):
        _key = _rng.bytes(32)
        _start = [0, 1, 255, 256, 2**32 - 1, 2**32, 2**63, MAX_NONCE - 3][_trial]
        # The oracle: noiseprotocol's CipherState, written independently of this course.
        _want, _tx, _rx = _oracle_cs(_cipher, _key), CipherState(_cipher, _key), CipherState(_cipher, _key)
        _want.n = _start
        _tx.set_nonce(_start)
        _rx.set_nonce(_start)
        for _i in range(3):
            _ad, _pt = _rng.bytes(int(_rng.integers(0, 20))), _rng.bytes(int(_rng.integers(0, 50)))
            _ct = _tx.encrypt_with_ad(_ad, _pt)
            check(_ct, bytes(_want.encrypt_with_ad(_ad, _pt)),
                  f"{_cipher} encrypt_with_ad at nonce {_start + _i}")
            check(_tx.nonce(), _start + _i + 1, f"{_cipher} nonce() after encrypting at {_start + _i}")
            _bad = bytearray(_ct)
            _bad[int(_rng.integers(0, len(_bad)))] ^= 1 << int(_rng.integers(0, 8))
            check_raises(_rx.decrypt_with_ad, (_ad, bytes(_bad)), ValueError,
                         f"{_cipher} decrypt_with_ad of a message with one bit flipped")
            check(_rx.nonce(), _start + _i, f"{_cipher} nonce() after a failed decryption")
            check(_rx.decrypt_with_ad(_ad, _ct), _pt, f"{_cipher} decrypt_with_ad at nonce {_start + _i}")
        if _start == MAX_NONCE - 3:  # the three messages above used the last nonces
            check_raises(_tx.encrypt_with_ad, (b"", b"x"), OverflowError,
                         f"{_cipher} encrypt_with_ad at MAX_NONCE")
            check_raises(_rx.decrypt_with_ad, (b"", b"x" * 17), OverflowError,
                         f"{_cipher} decrypt_with_ad at MAX_NONCE")
    # rekey: same key as the oracle's, nonce kept, old messages no longer decrypt.
    for _trial in range(4):
        _key = _rng.bytes(32)
        _want, _mine = _oracle_cs(_cipher, _key), CipherState(_cipher, _key)
        _mine.set_nonce(_trial * 7)
        _want.n = _trial * 7
        for _ in range(_trial + 1):
            _want.rekey()
            _mine.rekey()
        check(_mine.nonce(), _trial * 7, f"{_cipher} nonce() after rekey (must not change)")
        check(_mine.encrypt_with_ad(b"r", b"after rekey"), bytes(_want.encrypt_with_ad(b"r", b"after rekey")),
              f"{_cipher} encryption after {_trial + 1} rekey(s)")
    _none = CipherState(_cipher)
    check((_none.has_key(), _none.encrypt_with_ad(b"a", b"text"), _none.decrypt_with_ad(b"a", b"plain"),
           _none.nonce()), (False, b"text", b"plain", 0),
          f"CipherState('{_cipher}') with no key: has_key, encrypt_with_ad, decrypt_with_ad, nonce")
check_raises(CipherState, ("aesgcm", bytes(32)), ValueError, "CipherState('aesgcm', key)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2: nonce reuse (2 points)
#
# AES-GCM and ChaCha20-Poly1305 encrypt by XOR-ing the plaintext with a **keystream** that depends
# only on the key and the nonce. Encrypt two messages under one key and one nonce and the same
# keystream is used twice: `c1 XOR c2 = p1 XOR p2`. Knowing one plaintext gives the other. (That is
# why the CipherState counts.)
#
# Write `recover_plaintext(known_plaintext, known_ciphertext, other_ciphertext)`. Both ciphertexts
# are AEAD outputs (ciphertext then a 16-byte tag) under one key and nonce; `known_ciphertext`
# encrypts `known_plaintext`. Return the start of the other message's plaintext, as `bytes`: as
# many bytes as both messages have, that is `min(len(known_plaintext), len(other_ciphertext) - 16)`
# bytes. The tags carry no plaintext.
#
# ```python
# recover_plaintext(b"attack at dawn", c1, c2)  # -> b"retreat at ten" when c2 encrypts that
# ```
#
# Exercise id: `nonce-reuse`.

# %% nbgrader={"grade": false, "grade_id": "nonce-reuse", "locked": false, "schema_version": 3, "solution": true, "task": false}
def recover_plaintext(known_plaintext: bytes, known_ciphertext: bytes,
                      other_ciphertext: bytes) -> bytes:
    """The other message's plaintext (as far as both go), from a reused key and nonce."""
    ### BEGIN SOLUTION
    n = min(len(known_plaintext), len(other_ciphertext) - 16)
    triples = zip(known_plaintext[:n], known_ciphertext[:n], other_ciphertext[:n], strict=True)
    return bytes(p ^ a ^ b for p, a, b in triples)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "nonce-reuse-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function.
_aead, _nonce = AESGCM(bytes(range(32))), bytes(12)
_c1 = _aead.encrypt(_nonce, b"attack at dawn", b"")
_c2 = _aead.encrypt(_nonce, b"retreat at ten", b"")
check(recover_plaintext(b"attack at dawn", _c1, _c2), b"retreat at ten", "recover_plaintext, same length")
_c3 = _aead.encrypt(_nonce, b"ok", b"")
check(recover_plaintext(b"attack at dawn", _c1, _c3), b"ok", "recover_plaintext, a shorter other message")
print("nonce-reuse: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "nonce-reuse-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(32)
for _trial in range(60):
    _make = AESGCM if _trial % 2 else ChaCha20Poly1305
    _aead, _nonce = _make(_rng.bytes(32)), _rng.bytes(12)
    _known = _rng.bytes(int(_rng.integers(0, 80)))
    _other = _rng.bytes(int(_rng.integers(0, 80)))
    _ad1, _ad2 = _rng.bytes(int(_rng.integers(0, 8))), _rng.bytes(int(_rng.integers(0, 8)))
    # The oracle: the other plaintext itself, encrypted by cryptography under the reused nonce.
    _got = recover_plaintext(_known, _aead.encrypt(_nonce, _known, _ad1),
                             _aead.encrypt(_nonce, _other, _ad2))
    _n = min(len(_known), len(_other))
    check(_got, _other[:_n], f"recover_plaintext(<{len(_known)} known bytes>, <{len(_other)} other bytes>)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3: SymmetricState (3 points)
#
# During a handshake Noise keeps two running values: the **chaining key** `ck`, which collects every
# Diffie-Hellman result, and the **handshake hash** `h`, which collects every byte sent. Both are
# 32 bytes (SHA-256).
#
# First, **by hand** (with `hmac` and `hashlib`, not `cryptography`'s HKDF), write
# `hkdf(chaining_key, input_key_material, num_outputs)`, Noise's HKDF, which is RFC 5869's with
# `chaining_key` as the salt and empty info:
#
# - `temp_key = HMAC-SHA256(key=chaining_key, data=input_key_material)`
# - `output1 = HMAC-SHA256(temp_key, bytes([1]))`,
#   `output2 = HMAC-SHA256(temp_key, output1 + bytes([2]))`,
#   `output3 = HMAC-SHA256(temp_key, output2 + bytes([3]))`
# - return a `tuple` of the first `num_outputs` outputs; `num_outputs` must be 2 or 3, anything
#   else raises `ValueError`.
#
# Then write the class `SymmetricState(protocol_name, cipher)`, using your `CipherState`:
#
# - start: if `protocol_name` (bytes) has at most 32 bytes, `h` is it padded with zero bytes to
#   32; otherwise `h = SHA256(protocol_name)`. Then `ck = h`, and a `CipherState(cipher)` with no
#   key.
# - `handshake_hash()` and `chaining_key()` return `h` and `ck`.
# - `mix_hash(data)`: `h = SHA256(h + data)`.
# - `mix_key(input_key_material)`: `ck, temp_k = hkdf(ck, input_key_material, 2)`, and the
#   CipherState becomes `CipherState(cipher, temp_k)` (nonce 0).
# - `encrypt_and_hash(plaintext)`: encrypt with the CipherState using `h` as associated data,
#   then `mix_hash(ciphertext)`; return the ciphertext. With no key yet the "ciphertext" is the
#   plaintext, and it is still hashed.
# - `decrypt_and_hash(ciphertext)`: decrypt with `h` as associated data, then
#   `mix_hash(ciphertext)` (the ciphertext, not the plaintext); return the plaintext. A failure
#   raises `ValueError`.
# - `split()`: `hkdf(ck, b"", 2)`, the two transport keys, as a `tuple` of two `bytes`: the
#   first for messages from the initiator, the second for messages from the responder.
#
# Exercise id: `symmetric-state`.

# %% nbgrader={"grade": false, "grade_id": "symmetric-state", "locked": false, "schema_version": 3, "solution": true, "task": false}
def hkdf(chaining_key: bytes, input_key_material: bytes, num_outputs: int) -> tuple[bytes, ...]:
    """Noise's HKDF (RFC 5869 with salt = chaining_key, empty info), by hand with HMAC-SHA256."""
    ### BEGIN SOLUTION
    if num_outputs not in (2, 3):
        raise ValueError(f"num_outputs must be 2 or 3, got {num_outputs!r}")
    temp_key = hmac.new(chaining_key, input_key_material, hashlib.sha256).digest()
    outputs, previous = [], b""
    for i in range(1, num_outputs + 1):
        previous = hmac.new(temp_key, previous + bytes([i]), hashlib.sha256).digest()
        outputs.append(previous)
    return tuple(outputs)
    ### END SOLUTION


class SymmetricState:
    """Noise's SymmetricState: chaining key, handshake hash and the handshake CipherState."""

    def __init__(self, protocol_name: bytes, cipher: str) -> None:
        ### BEGIN SOLUTION
        if len(protocol_name) <= 32:
            self.h = protocol_name + bytes(32 - len(protocol_name))
        else:
            self.h = hashlib.sha256(protocol_name).digest()
        self.ck = self.h
        self.cipher = cipher
        self.cs = CipherState(cipher)
        ### END SOLUTION

    def handshake_hash(self) -> bytes:
        """h."""
        ### BEGIN SOLUTION
        return self.h
        ### END SOLUTION

    def chaining_key(self) -> bytes:
        """ck."""
        ### BEGIN SOLUTION
        return self.ck
        ### END SOLUTION

    def mix_hash(self, data: bytes) -> None:
        """h = SHA256(h + data)."""
        ### BEGIN SOLUTION
        self.h = hashlib.sha256(self.h + data).digest()
        ### END SOLUTION

    def mix_key(self, input_key_material: bytes) -> None:
        """ck, temp_k = HKDF(ck, ikm, 2); a new CipherState keyed with temp_k."""
        ### BEGIN SOLUTION
        self.ck, temp_k = hkdf(self.ck, input_key_material, 2)
        self.cs = CipherState(self.cipher, temp_k)
        ### END SOLUTION

    def encrypt_and_hash(self, plaintext: bytes) -> bytes:
        """Encrypt with h as associated data, then mix the ciphertext into h."""
        ### BEGIN SOLUTION
        ciphertext = self.cs.encrypt_with_ad(self.h, plaintext)
        self.mix_hash(ciphertext)
        return ciphertext
        ### END SOLUTION

    def decrypt_and_hash(self, ciphertext: bytes) -> bytes:
        """Decrypt with h as associated data, then mix the ciphertext into h."""
        ### BEGIN SOLUTION
        plaintext = self.cs.decrypt_with_ad(self.h, ciphertext)
        self.mix_hash(ciphertext)
        return plaintext
        ### END SOLUTION

    def split(self) -> tuple[bytes, bytes]:
        """The transport keys (initiator to responder, responder to initiator)."""
        ### BEGIN SOLUTION
        return hkdf(self.ck, b"", 2)
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "symmetric-state-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your function and class.
_ck, _ikm = bytes(32), b"\x01" * 32
_t = hmac.new(_ck, _ikm, hashlib.sha256).digest()
_o1 = hmac.new(_t, b"\x01", hashlib.sha256).digest()
check(hkdf(_ck, _ikm, 2), (_o1, hmac.new(_t, _o1 + b"\x02", hashlib.sha256).digest()),
      "hkdf(bytes(32), b'\\x01' * 32, 2)")
check_raises(hkdf, (_ck, _ikm, 4), ValueError, "hkdf(..., 4)")
_name = b"Noise_NN_25519_AESGCM_SHA256"
_ss = SymmetricState(_name, "AESGCM")
check(_ss.handshake_hash(), _name + bytes(4), "SymmetricState(b'Noise_NN_25519_AESGCM_SHA256').handshake_hash()")
check(_ss.chaining_key(), _name + bytes(4), "chaining_key() at the start")
check(_ss.encrypt_and_hash(b"no key yet"), b"no key yet", "encrypt_and_hash with no key")
check(_ss.handshake_hash(), hashlib.sha256(_name + bytes(4) + b"no key yet").digest(),
      "handshake_hash() after encrypt_and_hash with no key")
_ss.mix_key(b"\x02" * 32)
_peer = SymmetricState(_name, "AESGCM")
_peer.mix_hash(b"no key yet")
_peer.mix_key(b"\x02" * 32)
check(_peer.decrypt_and_hash(_ss.encrypt_and_hash(b"secret")), b"secret", "a round trip after mix_key")
check(_ss.split(), _peer.split(), "split() on both sides")
print("symmetric-state: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "symmetric-state-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from cryptography.hazmat.primitives import hashes as _hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF as _HKDF

from course.channels.oracle import oracle_symmetric_state as _oracle_ss

_rng = course.rng(33)
for _trial in range(40):
    _ck, _ikm = _rng.bytes(32), _rng.bytes([0, 32, 5, 64][_trial % 4])
    _n = 2 + _trial % 2
    # The oracle: cryptography's RFC 5869 HKDF, salt = chaining key, empty info.
    _okm = _HKDF(algorithm=_hashes.SHA256(), length=32 * _n, salt=_ck, info=b"").derive(_ikm)
    with course.by_hand("cryptography"):
        _got = hkdf(_ck, _ikm, _n)
    check(_got, tuple(_okm[32 * i: 32 * i + 32] for i in range(_n)), f"hkdf(<ck>, <{len(_ikm)} bytes>, {_n})")
for _bad in (0, 1, 4):
    check_raises(hkdf, (bytes(32), b"", _bad), ValueError, f"hkdf(..., {_bad})")
# Random sequences of operations against noiseprotocol's SymmetricState; names shorter than,
# exactly and longer than 32 bytes.
for _name, _cipher in ((b"Noise_NN_25519_AESGCM_SHA256", "AESGCM"),
                       (b"Noise_XX_25519_ChaChaPoly_SHA256", "ChaChaPoly"),
                       (b"Noise_XXpsk3_25519_ChaChaPoly_SHA256", "ChaChaPoly"),
                       (b"Noise_XXpsk3_25519_AESGCM_SHA256", "AESGCM")):
    for _trial in range(6):
        _want, _mine, _other = _oracle_ss(_name), SymmetricState(_name, _cipher), SymmetricState(_name, _cipher)
        check(_mine.handshake_hash(), bytes(_want.h), f"handshake_hash() at the start, {_name!r}")
        _ops = []
        for _step in range(12):
            _op = ["hash", "key", "enc", "enc"][int(_rng.integers(0, 4))]
            _data = _rng.bytes(int(_rng.integers(0, 40)))
            _ops.append(_op)
            if _op == "hash":
                _want.mix_hash(_data)
                _mine.mix_hash(_data)
                _other.mix_hash(_data)
            elif _op == "key":
                _data = _rng.bytes(32)
                _want.mix_key(_data)
                _mine.mix_key(_data)
                _other.mix_key(_data)
            else:
                _ct = _mine.encrypt_and_hash(_data)
                check(_ct, bytes(_want.encrypt_and_hash(_data)), f"encrypt_and_hash after {_ops}")
                if "key" in _ops:
                    _bad = bytearray(_ct)
                    _bad[0] ^= 0x80
                    check_raises(_other.decrypt_and_hash, (bytes(_bad),), ValueError,
                                 f"decrypt_and_hash of a tampered message after {_ops}")
                check(_other.decrypt_and_hash(_ct), _data, f"decrypt_and_hash after {_ops}")
            check((_mine.handshake_hash(), _mine.chaining_key()), (bytes(_want.h), bytes(_want.ck)),
                  f"(handshake_hash(), chaining_key()) after {_ops}")
            check(_other.handshake_hash(), bytes(_want.h), f"the receiver's handshake_hash() after {_ops}")
        _okm = _HKDF(algorithm=_hashes.SHA256(), length=64, salt=bytes(_want.ck), info=b"").derive(b"")
        check(_mine.split(), (_okm[:32], _okm[32:]), f"split() after {_ops}")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4: a man in the middle of Noise NN (2 points)
#
# **Noise NN** is the handshake with no static keys:
#
# ```
# -> e
# <- e, ee
# ```
#
# Both sides start with `SymmetricState(b"Noise_NN_25519_<cipher>_SHA256", cipher)` and
# `mix_hash(prologue)` (the prologue is `b""` here). Token `e`: the sender puts its ephemeral public
# key (32 bytes) in the message and both sides `mix_hash` it. Token `ee`: both sides
# `mix_key(dh(my_ephemeral_private, their_ephemeral_public))`. After the tokens, the sender appends
# `encrypt_and_hash(payload)` and the receiver reads it with `decrypt_and_hash`. (In message 1
# there is no key yet, so its payload travels in clear.) After message 2, `split()` gives the
# transport keys: the initiator sends with the first and receives with the second; transport
# messages are `CipherState.encrypt_with_ad(b"", plaintext)`.
#
# Nothing in NN says *who* sent an ephemeral key. Using your `SymmetricState` and `CipherState`,
# write the class `NNAttacker(cipher,
# ephemeral_to_initiator, ephemeral_to_responder, old=b"", new=b"")` that sits between an honest
# initiator (Alice) and an honest responder (Bob), plays the responder to Alice with the private
# key `ephemeral_to_initiator` and the initiator to Bob with `ephemeral_to_responder`, and has:
#
# - `forward_message1(message)`: takes Alice's message 1, returns the message 1 to send Bob;
# - `forward_message2(message)`: takes Bob's message 2, returns the message 2 to send Alice;
# - `relay_to_responder(ciphertext)`: takes a transport message from Alice, returns one for Bob
#   that carries the same plaintext with every `old` replaced by `new` (`bytes.replace`; nothing
#   replaced when `old` is `b""`);
# - `relay_to_initiator(ciphertext)`: takes a transport message from Bob, returns one for Alice
#   with the same plaintext;
# - `recovered()`: a `list` of every plaintext the attacker has read, in order: the payloads of
#   messages 1 and 2, then each transport message's plaintext as it was sent (before any rewrite).
#
# Handshake payloads pass through unchanged. The tests play Alice and Bob with `noiseprotocol`: they
# must both finish the handshake and receive what the description above says.
#
# Exercise id: `nn-mitm`.

# %% nbgrader={"grade": false, "grade_id": "nn-mitm", "locked": false, "schema_version": 3, "solution": true, "task": false}
class NNAttacker:
    """A man in the middle of a Noise NN handshake and the transport messages after it."""

    def __init__(self, cipher: str, ephemeral_to_initiator: bytes, ephemeral_to_responder: bytes,
                 old: bytes = b"", new: bytes = b"") -> None:
        ### BEGIN SOLUTION
        name = f"Noise_NN_25519_{cipher}_SHA256".encode()
        self.cipher = cipher
        self.alice = SymmetricState(name, cipher)  # we are the responder to Alice
        self.bob = SymmetricState(name, cipher)  # we are the initiator to Bob
        self.alice.mix_hash(b"")
        self.bob.mix_hash(b"")
        self.e_alice, self.e_bob = ephemeral_to_initiator, ephemeral_to_responder
        self.old, self.new = old, new
        self.log = []
        ### END SOLUTION

    def forward_message1(self, message: bytes) -> bytes:
        """Alice's message 1 in, the message 1 for Bob out."""
        ### BEGIN SOLUTION
        self.re_alice = message[:32]
        self.alice.mix_hash(self.re_alice)
        payload = self.alice.decrypt_and_hash(message[32:])
        self.log.append(payload)
        e = public_key(self.e_bob)
        self.bob.mix_hash(e)
        return e + self.bob.encrypt_and_hash(payload)
        ### END SOLUTION

    def forward_message2(self, message: bytes) -> bytes:
        """Bob's message 2 in, the message 2 for Alice out."""
        ### BEGIN SOLUTION
        re_bob = message[:32]
        self.bob.mix_hash(re_bob)
        self.bob.mix_key(dh(self.e_bob, re_bob))
        payload = self.bob.decrypt_and_hash(message[32:])
        self.log.append(payload)
        e = public_key(self.e_alice)
        self.alice.mix_hash(e)
        self.alice.mix_key(dh(self.e_alice, self.re_alice))
        out = e + self.alice.encrypt_and_hash(payload)
        from_alice, to_alice = self.alice.split()
        to_bob, from_bob = self.bob.split()
        self.from_alice = CipherState(self.cipher, from_alice)
        self.to_alice = CipherState(self.cipher, to_alice)
        self.to_bob = CipherState(self.cipher, to_bob)
        self.from_bob = CipherState(self.cipher, from_bob)
        return out
        ### END SOLUTION

    def relay_to_responder(self, ciphertext: bytes) -> bytes:
        """A transport message from Alice in, the (rewritten) one for Bob out."""
        ### BEGIN SOLUTION
        plaintext = self.from_alice.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        if self.old:
            plaintext = plaintext.replace(self.old, self.new)
        return self.to_bob.encrypt_with_ad(b"", plaintext)
        ### END SOLUTION

    def relay_to_initiator(self, ciphertext: bytes) -> bytes:
        """A transport message from Bob in, the one for Alice out."""
        ### BEGIN SOLUTION
        plaintext = self.from_bob.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        return self.to_alice.encrypt_with_ad(b"", plaintext)
        ### END SOLUTION

    def recovered(self) -> list[bytes]:
        """Every plaintext read so far, in order."""
        ### BEGIN SOLUTION
        return list(self.log)
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "nn-mitm-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your attacker against two honest noiseprotocol peers.
_keys = key_source("nn-public")
_alice = noise_peer("NN", "AESGCM", initiator=True, ephemeral=_keys())
_bob = noise_peer("NN", "AESGCM", initiator=False, ephemeral=_keys())
_mallory = NNAttacker("AESGCM", _keys(), _keys(), old=b"10", new=b"9999")
check(bytes(_bob.read_message(_mallory.forward_message1(bytes(_alice.write_message(b"hello"))))),
      b"hello", "what Bob reads of message 1")
check(bytes(_alice.read_message(_mallory.forward_message2(bytes(_bob.write_message(b"hi Alice"))))),
      b"hi Alice", "what Alice reads of message 2")
check((_alice.handshake_finished, _bob.handshake_finished), (True, True), "both handshakes finished")
check(_bob.decrypt(_mallory.relay_to_responder(_alice.encrypt(b"pay Bob 10 EUR"))), b"pay Bob 9999 EUR",
      "what Bob receives")
check(_alice.decrypt(_mallory.relay_to_initiator(_bob.encrypt(b"thanks"))), b"thanks", "what Alice receives")
check(_mallory.recovered(), [b"hello", b"hi Alice", b"pay Bob 10 EUR", b"thanks"], "recovered()")
print("nn-mitm: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "nn-mitm-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_rng = course.rng(34)
for _trial in range(12):
    _cipher = ("AESGCM", "ChaChaPoly")[_trial % 2]
    _keys = key_source(f"nn-hidden-{_trial}")
    # The oracles: two honest peers from noiseprotocol, an independent Noise implementation.
    _alice = noise_peer("NN", _cipher, initiator=True, ephemeral=_keys())
    _bob = noise_peer("NN", _cipher, initiator=False, ephemeral=_keys())
    _ea, _eb = _keys(), _keys()
    _old = [b"", b"10", b"Bob", b"x"][_trial % 4]
    _new = [b"", b"99", b"Mallory", b""][_trial % 4]
    _mallory = NNAttacker(_cipher, _ea, _eb, _old, _new)
    _p1, _p2 = _rng.bytes(int(_rng.integers(0, 30))), _rng.bytes(int(_rng.integers(0, 30)))
    _m1 = _mallory.forward_message1(bytes(_alice.write_message(_p1)))
    check(_m1[:32], public_key(_eb), f"the ephemeral key in message 1 to Bob ({_cipher})")
    check(bytes(_bob.read_message(_m1)), _p1, f"Bob's message 1 payload ({_cipher})")
    _m2 = _mallory.forward_message2(bytes(_bob.write_message(_p2)))
    check(_m2[:32], public_key(_ea), f"the ephemeral key in message 2 to Alice ({_cipher})")
    check(bytes(_alice.read_message(_m2)), _p2, f"Alice's message 2 payload ({_cipher})")
    _expected = [_p1, _p2]
    for _i in range(int(_rng.integers(1, 6))):
        if _rng.random() < 0.6:
            _pt = b"pay Bob 10 x" + _rng.bytes(int(_rng.integers(0, 20)))
            _want = _pt.replace(_old, _new) if _old else _pt
            check(_bob.decrypt(_mallory.relay_to_responder(_alice.encrypt(_pt))), _want,
                  f"what Bob receives, old={_old!r}, new={_new!r}")
        else:
            _pt = b"from Bob 10 x" + _rng.bytes(int(_rng.integers(0, 20)))
            check(_alice.decrypt(_mallory.relay_to_initiator(_bob.encrypt(_pt))), _pt,
                  "what Alice receives (no rewrite in this direction)")
        _expected.append(_pt)
    check(_mallory.recovered(), _expected, f"recovered() after {len(_expected) - 2} transport messages")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 5: the Noise XX handshake (4 points)
#
# XX adds static keys, each sent encrypted and proven by a Diffie-Hellman with it:
#
# ```
# -> e
# <- e, ee, s, es
# -> s, se
# ```
#
# Write the class `XXHandshake(initiator, cipher, static, ephemeral, prologue=b"")` for either
# role. `static` and `ephemeral` are 32-byte X25519 private keys (the ephemeral one is injected,
# so that runs are reproducible). The protocol name is `b"Noise_XX_25519_<cipher>_SHA256"`; both
# sides start with `mix_hash(prologue)`. The tokens, processed in order by the writer and the reader:
#
# - `e`: as in NN. `ee`: `mix_key(dh(e, re))`.
# - `s`: the writer appends `encrypt_and_hash(public_key(static))` (48 bytes: there is a key by
#   then); the reader takes those 48 bytes, `decrypt_and_hash`, and keeps the result as the remote
#   static key `rs`.
# - `es`: a DH between the **initiator's ephemeral** and the **responder's static** key: the
#   initiator computes `dh(e, rs)`, the responder `dh(s, re)`; both `mix_key` it.
# - `se`: the **initiator's static** with the **responder's ephemeral**: the initiator computes
#   `dh(s, re)`, the responder `dh(e, rs)`.
# - After the tokens, the payload: `encrypt_and_hash(payload)` / `decrypt_and_hash`.
#
# Methods:
#
# - `write_message(payload=b"")` returns the next handshake message (`bytes`);
#   `read_message(message)` returns its payload. The initiator writes messages 1 and 3, the
#   responder message 2. A message that fails authentication raises `ValueError`; a tampered
#   message, or a different prologue on the two sides, makes the handshake fail by the next
#   `read_message` at the latest.
# - `is_complete()`: `True` once the three messages are done; then `split()`'s first key encrypts
#   initiator-to-responder transport messages and the second the other way.
# - `handshake_hash()`: `h` (the same on both sides after the handshake); `remote_static()`: the
#   peer's static public key (`None` until it arrives).
# - `encrypt(plaintext)` / `decrypt(ciphertext)`: transport messages after the handshake,
#   `encrypt_with_ad(b"", ...)` / `decrypt_with_ad(b"", ...)` with the right CipherState.
#
# The public tests replay a published test vector, the one from the cacophony project (in
# `load_vectors(cipher)`); the hidden tests replay more published vectors and talk to
# `noiseprotocol` in both roles with both ciphers. Exercise id: `xx-handshake`.

# %% nbgrader={"grade": false, "grade_id": "xx-handshake", "locked": false, "schema_version": 3, "solution": true, "task": false}
class XXHandshake:
    """One side of a Noise_XX_25519_<cipher>_SHA256 handshake, then its transport."""

    def __init__(self, initiator: bool, cipher: str, static: bytes, ephemeral: bytes,
                 prologue: bytes = b"") -> None:
        ### BEGIN SOLUTION
        self.initiator, self.cipher = initiator, cipher
        self.s, self.e = static, ephemeral
        self.ss = SymmetricState(f"Noise_XX_25519_{cipher}_SHA256".encode(), cipher)
        self.ss.mix_hash(prologue)
        self.re = self.rs = None
        self.step = 0
        self.send = self.recv = None
        ### END SOLUTION

    def write_message(self, payload: bytes = b"") -> bytes:
        """The next handshake message, carrying ``payload``."""
        ### BEGIN SOLUTION
        ss = self.ss
        if self.step == 0:  # -> e
            out = public_key(self.e)
            ss.mix_hash(out)
        elif self.step == 1:  # <- e, ee, s, es
            out = public_key(self.e)
            ss.mix_hash(out)
            ss.mix_key(dh(self.e, self.re))
            out += ss.encrypt_and_hash(public_key(self.s))
            ss.mix_key(dh(self.s, self.re))
        else:  # -> s, se
            out = ss.encrypt_and_hash(public_key(self.s))
            ss.mix_key(dh(self.s, self.re))
        out += ss.encrypt_and_hash(payload)
        self.step += 1
        return out
        ### END SOLUTION

    def read_message(self, message: bytes) -> bytes:
        """Process the peer's handshake message; return its payload."""
        ### BEGIN SOLUTION
        ss = self.ss
        if self.step == 0:  # -> e
            self.re, rest = message[:32], message[32:]
            ss.mix_hash(self.re)
        elif self.step == 1:  # <- e, ee, s, es
            self.re = message[:32]
            ss.mix_hash(self.re)
            ss.mix_key(dh(self.e, self.re))
            self.rs = ss.decrypt_and_hash(message[32:80])
            ss.mix_key(dh(self.e, self.rs))
            rest = message[80:]
        else:  # -> s, se
            self.rs = ss.decrypt_and_hash(message[:48])
            ss.mix_key(dh(self.e, self.rs))
            rest = message[48:]
        payload = ss.decrypt_and_hash(rest)
        self.step += 1
        return payload
        ### END SOLUTION

    def is_complete(self) -> bool:
        """Whether all three handshake messages are done."""
        ### BEGIN SOLUTION
        return self.step == 3
        ### END SOLUTION

    def handshake_hash(self) -> bytes:
        """h."""
        ### BEGIN SOLUTION
        return self.ss.handshake_hash()
        ### END SOLUTION

    def remote_static(self) -> bytes | None:
        """The peer's static public key, once received."""
        ### BEGIN SOLUTION
        return self.rs
        ### END SOLUTION

    def encrypt(self, plaintext: bytes) -> bytes:
        """A transport message to the peer."""
        ### BEGIN SOLUTION
        if self.send is None:  # the first transport message: split the handshake's keys
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.send.encrypt_with_ad(b"", plaintext)
        ### END SOLUTION

    def decrypt(self, ciphertext: bytes) -> bytes:
        """A transport message from the peer."""
        ### BEGIN SOLUTION
        if self.recv is None:
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.recv.decrypt_with_ad(b"", ciphertext)
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "xx-handshake-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: replay the cacophony test vector, both sides, both ciphers.
for _cipher in ("AESGCM", "ChaChaPoly"):
    (_v,) = load_vectors(_cipher)
    _i = XXHandshake(True, _cipher, _v["init_static"], _v["init_ephemeral"], _v["prologue"])
    _r = XXHandshake(False, _cipher, _v["resp_static"], _v["resp_ephemeral"], _v["prologue"])
    for _k, (_payload, _ciphertext) in enumerate(_v["messages"]):
        _w, _rd = (_i, _r) if _k % 2 == 0 else (_r, _i)  # senders alternate, initiator first
        if _k < 3:
            check(_w.write_message(_payload), _ciphertext, f"{_cipher} handshake message {_k + 1}")
            check(_rd.read_message(_ciphertext), _payload, f"{_cipher} payload of handshake message {_k + 1}")
        else:
            check(_w.encrypt(_payload), _ciphertext, f"{_cipher} transport message {_k - 2}")
            check(_rd.decrypt(_ciphertext), _payload, f"{_cipher} decrypting transport message {_k - 2}")
    check((_i.is_complete(), _r.is_complete()), (True, True), "is_complete() on both sides")
    check(_i.handshake_hash(), _v["handshake_hash"], f"{_cipher} handshake_hash()")
    check(_i.remote_static(), public_key(_v["resp_static"]), "the initiator's remote_static()")
    check(_r.remote_static(), public_key(_v["init_static"]), "the responder's remote_static()")
print("xx-handshake: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "xx-handshake-vectors", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded: more published vectors.
### BEGIN HIDDEN TESTS
from course.channels.vectors import decode_vectors as _decode
from course.grading.hidden import hidden_data as _hidden_data

_all = _hidden_data("03-channels", "xx-vectors.json")["vectors"]
for _cipher in ("AESGCM", "ChaChaPoly"):
    for _v in _decode(_all[_cipher]):
        _i = XXHandshake(True, _cipher, _v["init_static"], _v["init_ephemeral"], _v["prologue"])
        _r = XXHandshake(False, _cipher, _v["resp_static"], _v["resp_ephemeral"], _v["prologue"])
        for _k, (_payload, _ciphertext) in enumerate(_v["messages"]):
            _w, _rd = (_r, _i) if _k % 2 else (_i, _r)
            _what = f"{_cipher} vector from {_v['source'].split(' at ')[0]}, message {_k + 1}"
            if _k < 3:
                check(_w.write_message(_payload), _ciphertext, _what)
                check(_rd.read_message(_ciphertext), _payload, "the payload of " + _what)
            else:
                check(_w.encrypt(_payload), _ciphertext, _what)
                check(_rd.decrypt(_ciphertext), _payload, "decrypting " + _what)
        if _v["handshake_hash"] is not None:
            check((_i.handshake_hash(), _r.handshake_hash()), (_v["handshake_hash"],) * 2,
                  f"{_cipher} handshake_hash() on both sides")
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "xx-handshake-interop", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded: talk to noiseprotocol; tampering and prologues.
### BEGIN HIDDEN TESTS
_rng = course.rng(35)
for _trial in range(16):
    _cipher = ("AESGCM", "ChaChaPoly")[_trial % 2]
    _mine_first = _trial % 4 < 2
    _keys = key_source(f"xx-interop-{_trial}")
    _s1, _e1, _s2, _e2 = _keys(), _keys(), _keys(), _keys()
    _prologue = _rng.bytes(int(_rng.integers(0, 40)))
    # The oracle: noiseprotocol, an independent implementation, in the other role.
    _mine = XXHandshake(_mine_first, _cipher, _s1, _e1, _prologue)
    _peer = noise_peer("XX", _cipher, initiator=not _mine_first, static=_s2, ephemeral=_e2,
                       prologue=_prologue)
    _role = "initiator" if _mine_first else "responder"
    check(_mine.remote_static(), None, f"remote_static() before any message ({_role})")
    for _k in range(3):
        _writer_is_mine = (_k % 2 == 0) == _mine_first
        _payload = _rng.bytes(int(_rng.integers(0, 60)))
        if _writer_is_mine:
            check(bytes(_peer.read_message(_mine.write_message(_payload))), _payload,
                  f"noiseprotocol reading your message {_k + 1} ({_cipher}, you are the {_role})")
        else:
            check(_mine.read_message(bytes(_peer.write_message(_payload))), _payload,
                  f"your read_message of message {_k + 1} ({_cipher}, you are the {_role})")
    check(_mine.is_complete(), True, "is_complete() after three messages")
    check(_mine.handshake_hash(), bytes(_peer.get_handshake_hash()), f"handshake_hash() ({_role})")
    check(_mine.remote_static(), public_key(_s2), f"remote_static() ({_role})")
    for _ in range(4):
        _pt = _rng.bytes(int(_rng.integers(0, 100)))
        check(bytes(_peer.decrypt(_mine.encrypt(_pt))), _pt, f"noiseprotocol decrypting your transport message ({_role})")
        _pt = _rng.bytes(int(_rng.integers(0, 100)))
        check(_mine.decrypt(bytes(_peer.encrypt(_pt))), _pt, f"decrypting noiseprotocol's transport message ({_role})")


def _fails(_messages_tamper, _prologues, _what):
    """Run a whole handshake between two of your XXHandshake; it must raise ValueError."""
    _keys = key_source(_what)
    _i = XXHandshake(True, "AESGCM", _keys(), _keys(), _prologues[0])
    _r = XXHandshake(False, "AESGCM", _keys(), _keys(), _prologues[1])
    try:
        for _k in range(3):
            _w, _rd = (_r, _i) if _k % 2 else (_i, _r)
            _m = bytearray(_w.write_message(b"payload"))
            if _k == _messages_tamper[0]:
                _m[_messages_tamper[1] % len(_m)] ^= 0x01
            _rd.read_message(bytes(_m))
    except ValueError:
        return
    raise AssertionError(f"{_what}: the handshake completed; it must raise ValueError")


_fails((None, 0), (b"prologue A", b"prologue B"), "different prologues")
for _k, _pos in ((0, 5), (0, 33), (1, 3), (1, 40), (1, 90), (2, 10), (2, 60)):
    _fails((_k, _pos), (b"", b""), f"message {_k + 1} with byte {_pos} flipped")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**. You have a handshake that agrees byte for byte with three independent Noise
# implementations (the vectors come from cacophony, snow and noise-c; the live peer is
# `noiseprotocol`). Assignment 3b turns it into a channel: identities, a replay window and rekeying.
