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
# # Assignment 3b: from handshake to channel, Ockam style
#
# **Time:** about 3.5 hours. **Points:** 11. **Prerequisites:** assignment 3a (`handshake.ipynb`) and
# the lecture `04-secure-channel` in `notebooks/03-channels/`.
#
# A Noise handshake ends with two keys and the peer's static public key; a channel still has to
# decide whether that key belongs to someone it trusts, and then carry messages over a network that
# loses, reorders and repeats them, for hours. Ockam's secure channel (in Rust, after the rewrite
# the webinar describes) adds three things on top of Noise:
#
# 1. **Identity binding and trust policies** (3 points): an identity signs an attestation for its
#    Noise static key; the channel checks it against the key the handshake authenticated, then
#    asks a trust policy.
# 2. **A replay window** (3 points): every message carries its nonce explicitly, so messages may
#    arrive out of order; a sliding window rejects repeats and stale messages, and is updated only
#    after a message authenticates.
# 3. **Periodic rekey** (3 points): the key changes every N messages by Noise's one-way `REKEY`, so
#    a key stolen late does not read what was sent before.
# 4. **A channel through a relay** (2 points): end to end, whatever forwards the bytes sees only
#    ciphertext, and tampering on the way closes the channel.
#
# The set-up cell gives you `aead(cipher, key)` (the `cryptography` AEAD object), `noise_nonce(cipher,
# n)` (Noise's 12-byte nonce for counter `n`) and `noise_rekey(cipher, key)` (Noise's REKEY). Every
# message in this notebook has the same layout:
#
# ```
# n (8 bytes, big-endian) || aead(cipher, key).encrypt(noise_nonce(cipher, n), plaintext, b"")
# ```
#
# Identities come from `Identity(seed)` (in `course.channels`, as in the lecture); all times are
# plain integers (seconds since 1970) passed in as `now`, so no test depends on the clock.
#
# Replace `raise NotImplementedError()` in each answer cell, run the public tests under it, ask
# `course.hint("<exercise id>")` when stuck, and press **Validate** at the end.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import json

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import course
from course.channels import (
    Identity,
    aead,
    canonical,
    identifier_of,
    key_source,
    noise_nonce,
    noise_peer,
    noise_rekey,
    peer_remote_static,
    public_key,
)
from course.learner.checking import check, check_raises


def seal(cipher: str, key: bytes, n: int, plaintext: bytes) -> bytes:
    """A transport message: the 8-byte big-endian nonce, then the AEAD ciphertext."""
    return n.to_bytes(8, "big") + aead(cipher, key).encrypt(noise_nonce(cipher, n), plaintext, b"")


# %% [markdown]
# ## Exercise 1: identity binding and trust policies (3 points)
#
# After an XX handshake you know the peer's static public key, proved by `es` or `se`; the
# handshake payload brings its **attestation** (made by `Identity.attest`). Write
# `check_peer(attestation, authenticated_static, now, policy, credential=None)` that returns the
# peer's identifier (a `str`) if every check below passes, and raises `ValueError` (saying which
# check failed) otherwise.
#
# **The attestation** is JSON bytes `{"body": {...}, "signature": "<hex>"}` whose body has
# `"identifier"`, `"identity_key"` (hex of an Ed25519 public key), `"noise_static"` (hex of an
# X25519 public key) and `"expires"` (an int). It is valid when:
#
# 1. the identifier is `identifier_of(identity_key)`;
# 2. the signature verifies: `Ed25519PublicKey.from_public_bytes(identity_key).verify(signature,
#    canonical(body))` (it raises `InvalidSignature` otherwise);
# 3. `now < expires`;
# 4. `noise_static` equals `authenticated_static`, the key the handshake authenticated.
#
# **The policy** is a dict:
#
# - `{"trust": "everyone"}`: any identifier with a valid attestation;
# - `{"trust": "pinned", "identifiers": [...]}`: only the identifiers listed;
# - `{"trust": "authority", "authority_key": "<hex>", "attribute": [name, value]}`: the peer must
#   also present a `credential` (made by `Identity.issue`: JSON bytes, body with `"subject"`,
#   `"attributes"`, `"authority_key"`, `"expires"`) whose signature verifies under the **policy's**
#   `authority_key` (never the key written inside the credential: anyone can write their own),
#   whose subject is the peer's identifier, with `now < expires`, and with
#   `attributes[name] == value`. No credential: `ValueError`.
#
# ```python
# bob = Identity(seed)
# check_peer(bob.attest(bob_static_public, expires=2000), bob_static_public, 1000,
#            {"trust": "pinned", "identifiers": [bob.identifier]})  # -> bob.identifier
# ```
#
# The public tests run a real XX handshake through a man in the middle and show what "trust
# everyone" lets through. Exercise id: `trust-policy`.

# %% nbgrader={"grade": false, "grade_id": "trust-policy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def check_peer(attestation: bytes, authenticated_static: bytes, now: int, policy: dict,
               credential: bytes | None = None) -> str:
    """The peer's identifier if its attestation and ``policy`` accept it; ValueError otherwise."""
    ### BEGIN SOLUTION
    def verified(document: bytes, key: bytes) -> dict:
        doc = json.loads(document)
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(bytes.fromhex(doc["signature"]),
                                                           canonical(doc["body"]))
        except InvalidSignature:
            raise ValueError("the signature does not verify") from None
        return doc["body"]

    body = json.loads(attestation)["body"]
    identity_key = bytes.fromhex(body["identity_key"])
    if body["identifier"] != identifier_of(identity_key):
        raise ValueError("the identifier is not derived from the identity key")
    verified(attestation, identity_key)
    if not now < body["expires"]:
        raise ValueError("the attestation has expired")
    if bytes.fromhex(body["noise_static"]) != authenticated_static:
        raise ValueError("the attestation binds another static key than the handshake's")
    identifier = body["identifier"]
    trust = policy["trust"]
    if trust == "everyone":
        return identifier
    if trust == "pinned":
        if identifier not in policy["identifiers"]:
            raise ValueError(f"{identifier} is not a pinned identifier")
        return identifier
    if trust == "authority":
        if credential is None:
            raise ValueError("this policy needs a credential")
        cred = verified(credential, bytes.fromhex(policy["authority_key"]))
        name, value = policy["attribute"]
        if cred["subject"] != identifier:
            raise ValueError("the credential is about someone else")
        if not now < cred["expires"]:
            raise ValueError("the credential has expired")
        if cred["attributes"].get(name) != value:
            raise ValueError(f"the credential does not say {name} = {value!r}")
        return identifier
    raise ValueError(f"unknown trust policy {trust!r}")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "trust-policy-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: a man in the middle with an identity of her own.
_keys = key_source("trust-public")
_alice_static, _bob_static, _mallory_static = _keys(), _keys(), _keys()
_bob, _mallory = Identity(_keys()), Identity(_keys())
_now = 1_000_000
# Alice starts an XX handshake with "Bob"; Mallory answers it. Alice authenticates Mallory's key.
_alice = noise_peer("XX", "AESGCM", True, static=_alice_static)
_mallory_as_bob = noise_peer("XX", "AESGCM", False, static=_mallory_static)
_mallory_as_bob.read_message(_alice.write_message(b""))
_attestation = bytes(_alice.read_message(_mallory_as_bob.write_message(
    _mallory.attest(public_key(_mallory_static), _now + 60))))
_seen = peer_remote_static(_alice)
check(check_peer(_attestation, _seen, _now, {"trust": "everyone"}), _mallory.identifier,
      "check_peer(<Mallory's attestation>, ..., trust everyone)")
check_raises(check_peer, (_attestation, _seen, _now, {"trust": "pinned", "identifiers": [_bob.identifier]}),
             ValueError, "check_peer(<Mallory's attestation>, ..., pinned to Bob)")
_bobs = _bob.attest(public_key(_bob_static), _now + 60)
check_raises(check_peer, (_bobs, _seen, _now, {"trust": "everyone"}), ValueError,
             "check_peer(<Bob's attestation replayed by Mallory>, <Mallory's static key>, ...)")
check(check_peer(_bobs, public_key(_bob_static), _now, {"trust": "pinned", "identifiers": [_bob.identifier]}),
      _bob.identifier, "check_peer(<Bob's attestation>, <Bob's static key>, ..., pinned to Bob)")
check_raises(check_peer, (_bobs, public_key(_bob_static), _now + 60, {"trust": "everyone"}), ValueError,
             "check_peer(<Bob's attestation>, ..., now = expires)")
print("trust-policy: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "trust-policy-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
_keys = key_source("trust-hidden")
_now = 1_700_000_000
_authority, _rogue = Identity(_keys()), Identity(_keys())
_auth_policy = {"trust": "authority", "authority_key": _authority.public.hex(), "attribute": ["role", "db"]}
for _trial in range(6):
    _peer, _other = Identity(_keys()), Identity(_keys())
    _static, _static2 = public_key(_keys()), public_key(_keys())
    _good = _peer.attest(_static, _now + 100 + _trial)
    _pin = {"trust": "pinned", "identifiers": [_other.identifier, _peer.identifier]}
    _everyone = {"trust": "everyone"}
    # The oracles: documents made by cryptography's Ed25519 through Identity, valid or broken on
    # purpose; each case says whether it must pass.
    check(check_peer(_good, _static, _now, _everyone), _peer.identifier, "a valid attestation, trust everyone")
    check(check_peer(_good, _static, _now + 99 + _trial, _pin), _peer.identifier,
          "a valid attestation one second before it expires, pinned")
    _doc = json.loads(_good)
    _cases = []
    # wrong identifier (re-signed by the same key, so only check 1 fails)
    _b = dict(_doc["body"], identifier=_other.identifier)
    _cases.append(("an identifier not derived from the identity key",
                   json.dumps({"body": _b, "signature": _peer._key.sign(canonical(_b)).hex()}).encode(), _static, _now, _everyone))
    # signature by someone else
    _cases.append(("a signature by another identity",
                   json.dumps({"body": _doc["body"], "signature": _other._key.sign(canonical(_doc["body"])).hex()}).encode(),
                   _static, _now, _everyone))
    # a body changed after signing
    _b = dict(_doc["body"], expires=_now + 10**6)
    _cases.append(("a body changed after signing", json.dumps({"body": _b, "signature": _doc["signature"]}).encode(),
                   _static, _now, _everyone))
    _cases.append(("an expired attestation (now == expires)", _good, _static, _now + 100 + _trial, _everyone))
    _cases.append(("an expired attestation (now > expires)", _good, _static, _now + 10**5, _everyone))
    _cases.append(("an attestation of another static key", _good, _static2, _now, _everyone))
    _cases.append(("an identifier that is not pinned", _good, _static, _now,
                   {"trust": "pinned", "identifiers": [_other.identifier]}))
    _cases.append(("an empty pin list", _good, _static, _now, {"trust": "pinned", "identifiers": []}))
    for _what, _att, _st, _t, _pol in _cases:
        check_raises(check_peer, (_att, _st, _t, _pol), ValueError, f"check_peer with {_what}")
    # authority policy
    _cred = _authority.issue(_peer.identifier, {"role": "db", "team": "x"}, _now + 50)
    check(check_peer(_good, _static, _now, _auth_policy, _cred), _peer.identifier, "a credential from the authority")
    for _what, _c in (
        ("no credential", None),
        ("a credential signed by a rogue authority (with its own key inside)",
         _rogue.issue(_peer.identifier, {"role": "db"}, _now + 50)),
        ("a credential about another identifier", _authority.issue(_other.identifier, {"role": "db"}, _now + 50)),
        ("an expired credential (now == expires)", _authority.issue(_peer.identifier, {"role": "db"}, _now)),
        ("a credential with role = web", _authority.issue(_peer.identifier, {"role": "web"}, _now + 50)),
        ("a credential without the attribute", _authority.issue(_peer.identifier, {}, _now + 50)),
    ):
        check_raises(check_peer, (_good, _static, _now, _auth_policy, _c), ValueError, f"check_peer with {_what}")
# A live man in the middle: trust everyone lets her in, a pin stops her.
_a_static, _m_static = _keys(), _keys()
_bob, _mallory = Identity(_keys()), Identity(_keys())
_alice = noise_peer("XX", "ChaChaPoly", True, static=_a_static)
_m = noise_peer("XX", "ChaChaPoly", False, static=_m_static)
_m.read_message(_alice.write_message(b""))
_att = bytes(_alice.read_message(_m.write_message(_mallory.attest(public_key(_m_static), _now + 5))))
check(check_peer(_att, peer_remote_static(_alice), _now, {"trust": "everyone"}), _mallory.identifier,
      "trust everyone, facing a man in the middle")
check_raises(check_peer, (_att, peer_remote_static(_alice), _now, {"trust": "pinned", "identifiers": [_bob.identifier]}),
             ValueError, "a pinned identifier, facing a man in the middle")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2: a replay window (3 points)
#
# Noise's own transport counts messages: the receiver expects nonce 0, then 1, then 2, so one lost
# or reordered packet breaks the channel. Ockam's channel sends the nonce with each message instead
# and remembers which nonces it has accepted, in a window of the most recent ones (32 wide).
#
# Write the class `ReplayReceiver(cipher, key, window=32)` with:
#
# - `open(message)`: the plaintext of a message made by `seal(cipher, key, n, plaintext)`. Let `h`
#   be the highest nonce accepted so far. Accept a message whose nonce `n` has not been accepted
#   before and is inside the window: `n > h - window` (any `n` is inside while nothing has been
#   accepted). Everything else raises `ValueError`: a message shorter than 8 + 16 bytes, a nonce
#   accepted before (a **replay**), a nonce `n <= h - window` (**too old**: its slot has left the
#   window), and a message that fails authentication (**forged**: a tampered byte, the wrong key, or
#   a nonce that is not the one it was encrypted with).
# - Only a message that authenticates changes the state. A forged message, even one claiming a
#   nonce far ahead, leaves `h` and the set of accepted nonces as they were.
# - `highest()`: `h`, or `None` if nothing has been accepted.
#
# ```python
# rx = ReplayReceiver("AESGCM", key)
# rx.open(seal("AESGCM", key, 5, b"five"))   # -> b"five"
# rx.open(seal("AESGCM", key, 3, b"three"))  # -> b"three" (late, but inside the window)
# rx.open(seal("AESGCM", key, 5, b"five"))   # ValueError: replay
# ```
#
# Exercise id: `replay-window`.

# %% nbgrader={"grade": false, "grade_id": "replay-window", "locked": false, "schema_version": 3, "solution": true, "task": false}
class ReplayReceiver:
    """Receives explicit-nonce transport messages, rejecting replays and stale messages."""

    def __init__(self, cipher: str, key: bytes, window: int = 32) -> None:
        ### BEGIN SOLUTION
        self.aead = aead(cipher, key)
        self.cipher, self.window = cipher, window
        self.top = None
        self.seen = set()  # accepted nonces inside the window
        ### END SOLUTION

    def open(self, message: bytes) -> bytes:
        """The plaintext of ``message``; ValueError for a replay, a stale or a forged message."""
        ### BEGIN SOLUTION
        if len(message) < 8 + 16:
            raise ValueError(f"a message has at least 24 bytes, got {len(message)}")
        n = int.from_bytes(message[:8], "big")
        if self.top is not None and n <= self.top - self.window:
            raise ValueError(f"nonce {n} is too old (highest accepted {self.top})")
        if n in self.seen:
            raise ValueError(f"nonce {n} was already accepted: a replay")
        try:
            plaintext = self.aead.decrypt(noise_nonce(self.cipher, n), message[8:], b"")
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        self.seen.add(n)
        if self.top is None or n > self.top:
            self.top = n
            self.seen = {m for m in self.seen if m > self.top - self.window}
        return plaintext
        ### END SOLUTION

    def highest(self) -> int | None:
        """The highest nonce accepted so far, or None."""
        ### BEGIN SOLUTION
        return self.top
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "replay-window-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your class.
_key = bytes(range(32))
_rx = ReplayReceiver("AESGCM", _key)
check(_rx.highest(), None, "highest() at the start")
check(_rx.open(seal("AESGCM", _key, 5, b"five")), b"five", "open(<nonce 5>)")
check(_rx.open(seal("AESGCM", _key, 3, b"three")), b"three", "open(<nonce 3>) after 5")
check_raises(_rx.open, (seal("AESGCM", _key, 5, b"five"),), ValueError, "open(<nonce 5>) again")
check(_rx.open(seal("AESGCM", _key, 40, b"forty")), b"forty", "open(<nonce 40>)")
check_raises(_rx.open, (seal("AESGCM", _key, 8, b"eight"),), ValueError,
             "open(<nonce 8>) after 40, window 32")
check(_rx.open(seal("AESGCM", _key, 9, b"nine")), b"nine", "open(<nonce 9>) after 40, window 32")
_forged = bytearray(seal("AESGCM", _key, 1000, b"forged"))
_forged[-1] ^= 1
check_raises(_rx.open, (bytes(_forged),), ValueError, "open(<a forged message with nonce 1000>)")
check(_rx.highest(), 40, "highest() after the forged message")
print("replay-window: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "replay-window-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as _AESGCM
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as _ChaCha

_rng = course.rng(37)


def _message(_cipher, _key, _n, _pt):
    # Built here from cryptography directly; the nonce layout is Noise's.
    _order = "big" if _cipher == "AESGCM" else "little"
    _make = _AESGCM if _cipher == "AESGCM" else _ChaCha
    return _n.to_bytes(8, "big") + _make(_key).encrypt(bytes(4) + _n.to_bytes(8, _order), _pt, b"")


for _trial in range(30):
    _cipher = ("AESGCM", "ChaChaPoly")[_trial % 2]
    _window = [32, 32, 4, 1, 64, 8][_trial % 6]
    _key, _other_key = _rng.bytes(32), _rng.bytes(32)
    _rx = ReplayReceiver(_cipher, _key, _window)
    # The oracle: the rule of the text, by brute force over every accepted nonce.
    _accepted, _top = set(), None
    _base = [0, 2**40, 2**63][_trial % 3]
    for _step in range(60):
        _kind = _rng.random()
        if _accepted and _kind < 0.2:
            _n = sorted(_accepted)[int(_rng.integers(0, len(_accepted)))]  # a replay
        else:
            _spread = int(_rng.integers(1, 3 * _window + 2))
            _n = _base + max(0, (_top or 0) - _base + int(_rng.integers(-_spread, _spread // 2 + 2)))
        _pt = _rng.bytes(int(_rng.integers(0, 40)))
        _msg = _message(_cipher, _key, _n, _pt)
        _forge = _rng.random() < 0.15
        if _forge:
            _how = int(_rng.integers(0, 3))
            if _how == 0:
                _b = bytearray(_msg)
                _b[int(_rng.integers(8, len(_b)))] ^= 1 << int(_rng.integers(0, 8))
                _msg = bytes(_b)
            elif _how == 1:
                _msg = _message(_cipher, _other_key, _n, _pt)
            else:  # a genuine ciphertext moved to a nonce far ahead
                _msg = (_n + _window * 3 + 1).to_bytes(8, "big") + _msg[8:]
        _ok = (not _forge and _n not in _accepted and (_top is None or _n > _top - _window))
        _what = (f"open(<nonce {_n - _base}{' + base' if _base else ''}, "
                 f"{'forged' if _forge else 'genuine'}>) with window {_window}, highest "
                 f"{None if _top is None else _top - _base}")
        if _ok:
            check(_rx.open(_msg), _pt, _what)
            _accepted.add(_n)
            _top = _n if _top is None else max(_top, _n)
        else:
            check_raises(_rx.open, (_msg,), ValueError, _what)
        check(_rx.highest(), _top, f"highest() after {_what}")
    check_raises(_rx.open, (_msg[:23],), ValueError, "open(<23 bytes>)")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3: rekey every N messages (3 points)
#
# A long-lived channel should not use one key forever. Ockam's channel changes key every 32
# messages with Noise's `REKEY`: `k' = noise_rekey(cipher, k)`, a one-way function of `k`. In this
# exercise message `n` is encrypted under the key of **epoch** `n // every`: the initial key
# rekeyed `n // every` times (the nonce is still `n`, unchanged by rekeying).
#
# Write the class `RekeyReceiver(cipher, key, every=32)` with:
#
# - `epoch()`: the receiver's current epoch, 0 at the start.
# - `open(message)`: the plaintext of `seal(cipher, epoch_key, n, plaintext)`, where `epoch_key`
#   is the key of epoch `e = n // every`. The receiver keeps only the keys of its current epoch and
#   the one before it (so that messages delayed across a boundary still open):
#   - `e` is the current epoch or the one before: decrypt with that epoch's key;
#   - `e` is later: derive its key by rekeying forward; only **after** the message authenticates
#     does `e` become the current epoch (keeping the key of `e - 1` as the previous key, and
#     forgetting older ones);
#   - `e` is earlier than the previous epoch: raise `ValueError` (that key is gone);
#   - a message that fails authentication raises `ValueError` and changes nothing.
#
# Then show why it matters. Write `read_with_leaked_key(cipher, leaked_key, leaked_epoch, every,
# messages)`: an attacker who recorded `messages` (a `list` of sealed messages) and later stole
# the key of epoch `leaked_epoch` returns a `list` with, for each message, its plaintext if the
# stolen key can read it (rekey forward to the message's epoch), or `None` if not. Messages from
# epochs before `leaked_epoch` stay `None`: `REKEY` cannot be run backwards.
#
# (Replays are the replay window's job; this exercise leaves them out.) Exercise id: `rekey`.

# %% nbgrader={"grade": false, "grade_id": "rekey", "locked": false, "schema_version": 3, "solution": true, "task": false}
class RekeyReceiver:
    """Receives messages whose key changes every ``every`` nonces."""

    def __init__(self, cipher: str, key: bytes, every: int = 32) -> None:
        ### BEGIN SOLUTION
        self.cipher, self.every = cipher, every
        self.current, self.keys = 0, {0: key}
        ### END SOLUTION

    def epoch(self) -> int:
        """The current epoch."""
        ### BEGIN SOLUTION
        return self.current
        ### END SOLUTION

    def open(self, message: bytes) -> bytes:
        """The plaintext; ValueError for a forged message or a discarded epoch."""
        ### BEGIN SOLUTION
        n = int.from_bytes(message[:8], "big")
        e = n // self.every
        if e < self.current - 1:
            raise ValueError(f"epoch {e} is over: its key was discarded")
        if e <= self.current:
            key = self.keys[e]
        else:
            previous = key = self.keys[self.current]
            for _ in range(e - self.current):
                previous, key = key, noise_rekey(self.cipher, key)
        try:
            plaintext = aead(self.cipher, key).decrypt(noise_nonce(self.cipher, n), message[8:], b"")
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        if e > self.current:
            self.keys = {e - 1: previous, e: key}
            self.current = e
        return plaintext
        ### END SOLUTION


def read_with_leaked_key(cipher: str, leaked_key: bytes, leaked_epoch: int, every: int,
                         messages: list[bytes]) -> list[bytes | None]:
    """What an attacker holding the key of ``leaked_epoch`` reads of recorded ``messages``."""
    ### BEGIN SOLUTION
    out = []
    for message in messages:
        n = int.from_bytes(message[:8], "big")
        epoch = n // every
        if epoch < leaked_epoch:
            out.append(None)
            continue
        key = leaked_key
        for _ in range(epoch - leaked_epoch):
            key = noise_rekey(cipher, key)
        try:
            out.append(aead(cipher, key).decrypt(noise_nonce(cipher, n), message[8:], b""))
        except InvalidTag:
            out.append(None)
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "rekey-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: run this cell to check your class and function.
_k0 = bytes(range(32))
_k1 = noise_rekey("AESGCM", _k0)
_k2 = noise_rekey("AESGCM", _k1)
_rx = RekeyReceiver("AESGCM", _k0, every=4)
check(_rx.open(seal("AESGCM", _k0, 1, b"one")), b"one", "open(<nonce 1, epoch 0>)")
check(_rx.open(seal("AESGCM", _k1, 5, b"five")), b"five", "open(<nonce 5, epoch 1>)")
check(_rx.epoch(), 1, "epoch() after a message of epoch 1")
check(_rx.open(seal("AESGCM", _k0, 3, b"three")), b"three", "open(<nonce 3, epoch 0>) delayed")
check(_rx.open(seal("AESGCM", _k2, 9, b"nine")), b"nine", "open(<nonce 9, epoch 2>)")
check_raises(_rx.open, (seal("AESGCM", _k0, 2, b"two"),), ValueError, "open(<epoch 0>) in epoch 2")
_recorded = [seal("AESGCM", _k0, 0, b"a"), seal("AESGCM", _k1, 4, b"b"), seal("AESGCM", _k2, 8, b"c")]
check(read_with_leaked_key("AESGCM", _k1, 1, 4, _recorded), [None, b"b", b"c"],
      "read_with_leaked_key(<key of epoch 1>)")
print("rekey: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "rekey-hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as _AESGCM
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as _ChaCha

from course.channels.oracle import oracle_cipher_state as _oracle_cs

_rng = course.rng(38)


def _epoch_keys(_cipher, _key, _count):
    # The oracle: noiseprotocol's own CipherState.rekey, applied again and again.
    _state, _keys = _oracle_cs(_cipher, _key), [_key]
    for _ in range(_count):
        _state.rekey()
        _keys.append(bytes(_state.k))
    return _keys


def _message(_cipher, _key, _n, _pt):
    _order = "big" if _cipher == "AESGCM" else "little"
    _make = _AESGCM if _cipher == "AESGCM" else _ChaCha
    return _n.to_bytes(8, "big") + _make(_key).encrypt(bytes(4) + _n.to_bytes(8, _order), _pt, b"")


for _trial in range(16):
    _cipher = ("AESGCM", "ChaChaPoly")[_trial % 2]
    _every = [32, 4, 1, 7][_trial % 4]
    _keys = _epoch_keys(_cipher, _rng.bytes(32), 12)
    _rx = RekeyReceiver(_cipher, _keys[0], _every)
    _current, _held = 0, {0}
    for _step in range(40):
        _e = min(11, max(0, _current + int(_rng.integers(-3, 3))))
        _n = _e * _every + int(_rng.integers(0, _every))
        _pt = _rng.bytes(int(_rng.integers(0, 30)))
        _msg = _message(_cipher, _keys[_e], _n, _pt)
        _forge = _rng.random() < 0.15
        if _forge:
            _b = bytearray(_msg)
            _b[int(_rng.integers(8, len(_b)))] ^= 0x10
            _msg = bytes(_b)
        _what = f"open(<nonce {_n}, epoch {_e}{', forged' if _forge else ''}>) in epoch {_current}, every {_every}"
        if _forge or _e < _current - 1:
            check_raises(_rx.open, (_msg,), ValueError, _what)
        else:
            check(_rx.open(_msg), _pt, _what)
            _current = max(_current, _e)
        check(_rx.epoch(), _current, f"epoch() after {_what}")
    # The leaked key: recorded traffic over 8 epochs, key of one epoch stolen.
    _recorded, _plain = [], []
    for _e in range(8):
        for _ in range(2):
            _n = _e * _every + int(_rng.integers(0, _every))
            _pt = _rng.bytes(int(_rng.integers(1, 20)))
            _recorded.append(_message(_cipher, _keys[_e], _n, _pt))
            _plain.append((_e, _pt))
    _leak = int(_rng.integers(0, 8))
    check(read_with_leaked_key(_cipher, _keys[_leak], _leak, _every, _recorded),
          [_pt if _e >= _leak else None for _e, _pt in _plain],
          f"read_with_leaked_key(<key of epoch {_leak}>, every={_every})")
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 4: a channel through a relay (2 points)
#
# The webinar's promise is *end-to-end* encryption "for all data in motion": a relay between two
# applications forwards bytes and sees no plaintext. Write the class `ChannelEnd(cipher, send_key,
# receive_key)`, one application's end of an established channel (the keys come from a handshake's
# `split()`: one side's `send_key` is the other's `receive_key`):
#
# - `send(plaintext)`: returns `seal(cipher, send_key, n, plaintext)` with `n` = 0 for the first
#   message this end sends, then 1, 2, ...
# - `receive(message)`: returns the plaintext of the peer's next message. This channel runs over a
#   reliable, ordered route, so the nonce must be exactly the next one expected (0, then 1, ...).
#   A message that is too short, carries any other nonce (a replay, a dropped message), or fails
#   authentication raises `ValueError` **and closes the channel**.
# - Once closed, `send` and `receive` raise `ConnectionError`; `is_open()` returns `False`.
#
# The tests route messages between two of your ends through a relay that logs every byte, check
# that no plaintext and no repeated nonce appears in the log, decrypt the log with
# `cryptography` directly, and tamper, replay and drop messages on the way. Exercise id:
# `relay-channel`.

# %% nbgrader={"grade": false, "grade_id": "relay-channel", "locked": false, "schema_version": 3, "solution": true, "task": false}
class ChannelEnd:
    """One end of an explicit-nonce channel over an ordered route; closes on any bad message."""

    def __init__(self, cipher: str, send_key: bytes, receive_key: bytes) -> None:
        ### BEGIN SOLUTION
        self.cipher, self.send_key, self.receive_key = cipher, send_key, receive_key
        self.sent = self.expected = 0
        self.closed = False
        ### END SOLUTION

    def send(self, plaintext: bytes) -> bytes:
        """The next message to the peer."""
        ### BEGIN SOLUTION
        if self.closed:
            raise ConnectionError("the channel is closed")
        message = seal(self.cipher, self.send_key, self.sent, plaintext)
        self.sent += 1
        return message
        ### END SOLUTION

    def receive(self, message: bytes) -> bytes:
        """The plaintext of the peer's next message; ValueError (and closed) if it is bad."""
        ### BEGIN SOLUTION
        if self.closed:
            raise ConnectionError("the channel is closed")
        n = int.from_bytes(message[:8], "big")
        try:
            if len(message) < 24 or n != self.expected:
                raise ValueError(f"expected nonce {self.expected}, got {n}")
            try:
                plaintext = aead(self.cipher, self.receive_key).decrypt(
                    noise_nonce(self.cipher, n), message[8:], b"")
            except InvalidTag:
                raise ValueError("the message failed authentication") from None
        except ValueError:
            self.closed = True
            raise
        self.expected += 1
        return plaintext
        ### END SOLUTION

    def is_open(self) -> bool:
        """False once a bad message has closed the channel."""
        ### BEGIN SOLUTION
        return not self.closed
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "relay-channel-public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Public tests: two ends through a relay that logs everything.
_k1, _k2 = bytes(range(32)), bytes(range(32, 64))
_alice, _bob = ChannelEnd("AESGCM", _k1, _k2), ChannelEnd("AESGCM", _k2, _k1)
_log = []


def _relay(_message):
    _log.append(_message)
    return _message


check(_bob.receive(_relay(_alice.send(b"invoice: 1200 EUR"))), b"invoice: 1200 EUR", "Bob receives")
check(_alice.receive(_relay(_bob.send(b"paid"))), b"paid", "Alice receives")
check(_bob.receive(_relay(_alice.send(b"receipt please"))), b"receipt please", "Bob receives again")
check(_log[2][:8], (1).to_bytes(8, "big"), "the nonce of Alice's second message")
check([_p for _p in (b"invoice", b"paid", b"receipt") if any(_p in _m for _m in _log)], [],
      "plaintext found in the relay's log")
_bad = bytearray(_alice.send(b"change of bank details"))
_bad[-1] ^= 1
check_raises(_bob.receive, (bytes(_bad),), ValueError, "Bob receiving a tampered message")
check(_bob.is_open(), False, "Bob's is_open() after a tampered message")
check_raises(_bob.send, (b"still there?",), ConnectionError, "Bob sending on a closed channel")
print("relay-channel: public tests passed")

# %% nbgrader={"grade": true, "grade_id": "relay-channel-hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests run when your work is graded.
### BEGIN HIDDEN TESTS
from cryptography.hazmat.primitives.ciphers.aead import AESGCM as _AESGCM
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as _ChaCha

_rng = course.rng(39)
for _trial in range(12):
    _cipher = ("AESGCM", "ChaChaPoly")[_trial % 2]
    # Keys from a real handshake (noiseprotocol) between the two applications.
    _keys = key_source(f"relay-{_trial}")
    _i = noise_peer("XX", _cipher, True, static=_keys())
    _r = noise_peer("XX", _cipher, False, static=_keys())
    _r.read_message(_i.write_message(b""))
    _i.read_message(_r.write_message(b""))
    _r.read_message(_i.write_message(b""))
    _ki = bytes(_i.noise_protocol.cipher_state_encrypt.k)
    _kr = bytes(_i.noise_protocol.cipher_state_decrypt.k)
    _ends = {"a": ChannelEnd(_cipher, _ki, _kr), "b": ChannelEnd(_cipher, _kr, _ki)}
    _keys_of = {"a": _ki, "b": _kr}
    _log, _plain, _next = [], [], {"a": 0, "b": 0}
    _fault = ["tamper", "replay", "drop", "short", None, None][_trial % 6]
    _fault_at = int(_rng.integers(1, 6))
    _closed = None
    for _step in range(8):
        _from = "a" if _rng.random() < 0.6 else "b"
        _to = "b" if _from == "a" else "a"
        _pt = b"secret-" + _rng.bytes(int(_rng.integers(8, 40)))
        _msg = _ends[_from].send(_pt)
        # The oracle: cryptography decrypts what crossed the relay with the sender's key.
        _order = "big" if _cipher == "AESGCM" else "little"
        _make = _AESGCM if _cipher == "AESGCM" else _ChaCha
        _n = _next[_from]
        check(_msg[:8], _n.to_bytes(8, "big"), f"the nonce of message {_n} from {_from}")
        check(_make(_keys_of[_from]).decrypt(bytes(4) + _n.to_bytes(8, _order), _msg[8:], b""), _pt,
              f"message {_n} from {_from}, decrypted with the sender's key")
        _next[_from] += 1
        _log.append(_msg)
        _plain.append(_pt)
        if _fault and _step == _fault_at:
            if _fault == "tamper":
                _b = bytearray(_msg)
                _b[int(_rng.integers(0, len(_b)))] ^= 1 << int(_rng.integers(0, 8))
                _deliver = [bytes(_b)]
            elif _fault == "replay":
                _deliver = [_msg, _msg]
            elif _fault == "drop":
                _deliver = []
            else:
                _deliver = [_msg[:20]]
            for _d in _deliver[:-1]:
                check(_ends[_to].receive(_d), _pt, "the first copy of a replayed message")
            if _deliver:
                check_raises(_ends[_to].receive, (_deliver[-1],), ValueError, f"a {_fault} message on the way")
                check(_ends[_to].is_open(), False, f"is_open() after a {_fault} message")
                check_raises(_ends[_to].send, (b"x",), ConnectionError, "send on a closed channel")
                check_raises(_ends[_to].receive, (_msg,), ConnectionError, "receive on a closed channel")
                break
            _later = _ends[_from].send(b"after the drop")
            check_raises(_ends[_to].receive, (_later,), ValueError, "the message after a dropped one")
            check(_ends[_to].is_open(), False, "is_open() after a gap")
            break
        check(_ends[_to].receive(_msg), _pt, f"delivery of message {_n} from {_from}")
        check(_ends[_to].is_open(), True, "is_open() on a healthy channel")
    check([_p for _p in _plain if any(_p[:15] in _m for _m in _log)], [], "plaintext in the relay's log")
### END HIDDEN TESTS

# %% [markdown]
# ## Done
#
# Press **Validate**. With the handshake of assignment 3a, these are the parts of an Ockam-style
# secure channel that keep working when the network reorders and repeats messages, and that limit
# what a stolen key reveals.
