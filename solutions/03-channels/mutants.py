"""Mutants for 03-channels: plausible wrong answers, each of which must lose points.

Format: see course/authoring/mutants_file.py. An entry states its mistake as edits of the answer
cell ('# - <solution line>' then '# + <new line>', each group matching exactly once) or, where the
code really is different, as whole functions that replace the cell's functions and classes of the
same name (the others keep the solution's code); the set-up cell has imported hashlib, hmac,
InvalidTag, AESGCM, ChaCha20Poly1305, course, dh, key_source, load_vectors, noise_peer, public_key
and defined MAX_NONCE (handshake.ipynb), or json, InvalidSignature, Ed25519PublicKey, canonical,
identifier_of, aead, noise_nonce, noise_rekey, seal (channel.ipynb). The imports below are for the
linter only.
"""

import hmac
import json

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from course.channels import (
    aead,
    canonical,
    dh,
    identifier_of,
    noise_nonce,
    noise_peer,
    noise_rekey,
    public_key,
)

MAX_NONCE = 2**64 - 1
CipherState = SymmetricState = None  # the learner's classes from earlier answer cells
seal = None  # channel.ipynb's set-up cell defines it

# %% mutant cipher-state: the nonce is not advanced after encrypting (every message reuses nonce 0)
# - self.n += 1
# - return ciphertext
# + return ciphertext

# %% mutant cipher-state: the nonce is advanced before decrypting, so a forged message moves it
# - nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
# - try:
# + nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
# + self.n += 1
# + try:

# - self.n += 1
# - return plaintext
# + return plaintext

# %% mutant cipher-state: little-endian nonces for both ciphers (AESGCM's must be big-endian)
# - nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
# - ciphertext = aead.encrypt(nonce, plaintext, ad)
# + nonce = bytes(4) + self.n.to_bytes(8, "little")
# + ciphertext = aead.encrypt(nonce, plaintext, ad)

# - nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
# - try:
# + nonce = bytes(4) + self.n.to_bytes(8, "little")
# + try:

# - nonce = bytes(4) + MAX_NONCE.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
# + nonce = bytes(4) + MAX_NONCE.to_bytes(8, "little")

# %% mutant cipher-state: rekey encrypts with nonce 0 instead of the reserved maximum
# - nonce = bytes(4) + MAX_NONCE.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
# + nonce = bytes(4) + (0).to_bytes(8, "big" if self.cipher == "AESGCM" else "little")

# %% mutant cipher-state: the maximum nonce is not reserved
# -     return plaintext
# - if self.n == MAX_NONCE:
# -     raise OverflowError("the nonce is exhausted: rekey or start a new session")
# +     return plaintext

# -     return ciphertext
# - if self.n == MAX_NONCE:
# -     raise OverflowError("the nonce is exhausted: rekey or start a new session")
# +     return ciphertext

# %% mutant cipher-state: lets cryptography's InvalidTag escape instead of raising ValueError
# - try:
# -     plaintext = aead.decrypt(nonce, ciphertext, ad)
# - except InvalidTag:
# -     raise ValueError("the message failed authentication") from None
# + plaintext = aead.decrypt(nonce, ciphertext, ad)

# %% alternative cipher-state: nonces packed with struct, AEAD objects made once per key
import struct


class CipherState:
    def __init__(self, cipher, key=None):
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"unknown cipher {cipher!r}")
        self.cipher, self.n = cipher, 0
        self._set(key)

    def _set(self, key):
        self.k = key
        make = AESGCM if self.cipher == "AESGCM" else ChaCha20Poly1305
        self.aead = None if key is None else make(key)
        self.fmt = ">4xQ" if self.cipher == "AESGCM" else "<4xQ"

    def has_key(self):
        return self.aead is not None

    def nonce(self):
        return self.n

    def set_nonce(self, n):
        self.n = n

    def encrypt_with_ad(self, ad, plaintext):
        if self.aead is None:
            return plaintext
        if self.n >= 2**64 - 1:
            raise OverflowError("nonce exhausted")
        out = self.aead.encrypt(struct.pack(self.fmt, self.n), plaintext, ad)
        self.n += 1
        return out

    def decrypt_with_ad(self, ad, ciphertext):
        if self.aead is None:
            return ciphertext
        if self.n >= 2**64 - 1:
            raise OverflowError("nonce exhausted")
        try:
            out = self.aead.decrypt(struct.pack(self.fmt, self.n), ciphertext, ad)
        except Exception as exc:
            raise ValueError("bad message") from exc
        self.n += 1
        return out

    def rekey(self):
        self._set(self.aead.encrypt(struct.pack(self.fmt, 2**64 - 1), b"\0" * 32, b"")[:32])

# %% mutant nonce-reuse: XORs the two ciphertexts but forgets the known plaintext
# - triples = zip(known_plaintext[:n], known_ciphertext[:n], other_ciphertext[:n], strict=True)
# - return bytes(p ^ a ^ b for p, a, b in triples)
# + return bytes(a ^ b for a, b in zip(known_ciphertext[:n], other_ciphertext[:n], strict=True))

# %% mutant nonce-reuse: keeps the tags: XORs as far as the ciphertexts go
def recover_plaintext(known_plaintext, known_ciphertext, other_ciphertext):
    return bytes(p ^ a ^ b for p, a, b in zip(known_plaintext, known_ciphertext, other_ciphertext, strict=False))

# %% mutant nonce-reuse: always returns as many bytes as the known plaintext (pads with zeros)
def recover_plaintext(known_plaintext, known_ciphertext, other_ciphertext):
    body = other_ciphertext[:-16].ljust(len(known_plaintext), b"\0")
    return bytes(p ^ a ^ b for p, a, b in zip(known_plaintext, known_ciphertext, body, strict=False))

# %% alternative nonce-reuse: one big-integer XOR
def recover_plaintext(known_plaintext, known_ciphertext, other_ciphertext):
    n = max(0, min(len(known_plaintext), len(other_ciphertext) - 16))
    if n == 0:
        return b""
    x = (int.from_bytes(known_plaintext[:n], "big") ^ int.from_bytes(known_ciphertext[:n], "big")
         ^ int.from_bytes(other_ciphertext[:n], "big"))
    return x.to_bytes(n, "big")

# %% mutant symmetric-state: hkdf's second output does not chain the first (T(2) = HMAC(temp, 0x02))
# - previous = hmac.new(temp_key, previous + bytes([i]), hashlib.sha256).digest()
# + previous = hmac.new(temp_key, bytes([i]), hashlib.sha256).digest()

# %% mutant symmetric-state: delegates hkdf to cryptography's HKDF instead of writing it by hand
def hkdf(chaining_key, input_key_material, num_outputs):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if num_outputs not in (2, 3):
        raise ValueError("num_outputs must be 2 or 3")
    okm = HKDF(hashes.SHA256(), 32 * num_outputs, chaining_key, b"").derive(input_key_material)
    return tuple(okm[i : i + 32] for i in range(0, len(okm), 32))

# %% mutant symmetric-state: mix_key swaps the chaining key and the cipher key
# - """ck, temp_k = HKDF(ck, ikm, 2); a new CipherState keyed with temp_k."""
# - self.ck, temp_k = hkdf(self.ck, input_key_material, 2)
# + temp_k, self.ck = hkdf(self.ck, input_key_material, 2)

# %% mutant symmetric-state: decrypt_and_hash mixes the plaintext into h instead of the ciphertext
# - self.mix_hash(ciphertext)
# - return plaintext
# + self.mix_hash(plaintext)
# + return plaintext

# %% mutant symmetric-state: a protocol name longer than 32 bytes is truncated instead of hashed
# - self.h = hashlib.sha256(protocol_name).digest()
# + self.h = protocol_name[:32]

# %% mutant symmetric-state: split returns the keys in the wrong order
# - """The transport keys (initiator to responder, responder to initiator)."""
# - return hkdf(self.ck, b"", 2)
# + k1, k2 = hkdf(self.ck, b"", 2)
# + return k2, k1

# %% alternative symmetric-state: HKDF unrolled, the CipherState re-keyed in place
def hkdf(chaining_key, input_key_material, num_outputs):
    if num_outputs not in (2, 3):
        raise ValueError("2 or 3 outputs")

    def mac(key, data):
        return hmac.digest(key, data, "sha256")

    temp = mac(chaining_key, input_key_material)
    one = mac(temp, b"\x01")
    two = mac(temp, one + b"\x02")
    if num_outputs == 2:
        return (one, two)
    return (one, two, mac(temp, two + b"\x03"))

# %% mutant nn-mitm: forwards Alice's message 1 unchanged, so Bob's ee uses Alice's key
# - e = public_key(self.e_bob)
# - self.bob.mix_hash(e)
# - return e + self.bob.encrypt_and_hash(payload)
# + self.bob.mix_hash(self.re_alice)
# + self.bob.encrypt_and_hash(payload)
# + return message

# %% mutant nn-mitm: uses the transport keys of each side the wrong way round
# - from_alice, to_alice = self.alice.split()
# - to_bob, from_bob = self.bob.split()
# + to_alice, from_alice = self.alice.split()
# + from_bob, to_bob = self.bob.split()

# %% mutant nn-mitm: leaves the handshake payloads out of recovered()
# - self.log.append(payload)
# - e = public_key(self.e_bob)
# + e = public_key(self.e_bob)

# - self.log.append(payload)
# - e = public_key(self.e_alice)
# + e = public_key(self.e_alice)

# %% mutant nn-mitm: rewrites Bob's messages to Alice too
# - self.log.append(plaintext)
# - return self.to_alice.encrypt_with_ad(b"", plaintext)
# + self.log.append(plaintext)
# + if self.old:
# +     plaintext = plaintext.replace(self.old, self.new)
# + return self.to_alice.encrypt_with_ad(b"", plaintext)

# %% mutant nn-mitm: records the rewritten plaintext instead of what Alice sent
# - self.log.append(plaintext)
# - if self.old:
# -     plaintext = plaintext.replace(self.old, self.new)
# + if self.old:
# +     plaintext = plaintext.replace(self.old, self.new)
# + self.log.append(plaintext)

# %% alternative nn-mitm: two ordinary NN sessions from noiseprotocol, glued back to back (not what the text advises, and still correct)
class NNAttacker:
    def __init__(self, cipher, ephemeral_to_initiator, ephemeral_to_responder, old=b"", new=b""):
        self.to_alice = noise_peer("NN", cipher, initiator=False, ephemeral=ephemeral_to_initiator)
        self.to_bob = noise_peer("NN", cipher, initiator=True, ephemeral=ephemeral_to_responder)
        self.old, self.new, self.seen = old, new, []

    def forward_message1(self, message):
        payload = bytes(self.to_alice.read_message(message))
        self.seen.append(payload)
        return bytes(self.to_bob.write_message(payload))

    def forward_message2(self, message):
        payload = bytes(self.to_bob.read_message(message))
        self.seen.append(payload)
        return bytes(self.to_alice.write_message(payload))

    def relay_to_responder(self, ciphertext):
        text = bytes(self.to_alice.decrypt(ciphertext))
        self.seen.append(text)
        return self.to_bob.encrypt(text.replace(self.old, self.new) if self.old else text)

    def relay_to_initiator(self, ciphertext):
        text = bytes(self.to_bob.decrypt(ciphertext))
        self.seen.append(text)
        return self.to_alice.encrypt(text)

    def recovered(self):
        return self.seen[:]

# %% mutant xx-handshake: es uses the responder's ephemeral key instead of its static key
# -     ss.mix_key(dh(self.s, self.re))
# - else:  # -> s, se
# +     ss.mix_key(dh(self.e, self.re))
# + else:  # -> s, se

# - ss.mix_key(dh(self.e, self.rs))
# - rest = message[80:]
# + ss.mix_key(dh(self.e, self.re))
# + rest = message[80:]

# %% mutant xx-handshake: the payload is encrypted but not mixed into the handshake hash
# - out += ss.encrypt_and_hash(payload)
# + out += ss.cs.encrypt_with_ad(ss.h, payload)

# - payload = ss.decrypt_and_hash(rest)
# + payload = ss.cs.decrypt_with_ad(ss.h, rest)

# %% mutant xx-handshake: the prologue is not mixed into the handshake hash
# - self.ss.mix_hash(prologue)

# %% mutant xx-handshake: split's keys swapped: the initiator sends with the second key
# -     self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
# - return self.send.encrypt_with_ad(b"", plaintext)
# +     self.send, self.recv = (c2, c1) if self.initiator else (c1, c2)
# + return self.send.encrypt_with_ad(b"", plaintext)

# -     self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
# - return self.recv.decrypt_with_ad(b"", ciphertext)
# +     self.send, self.recv = (c2, c1) if self.initiator else (c1, c2)
# + return self.recv.decrypt_with_ad(b"", ciphertext)

# %% mutant xx-handshake: keeps the encrypted static key as remote_static() (and DHs with it)
# - self.rs = ss.decrypt_and_hash(message[32:80])
# + ss.decrypt_and_hash(message[32:80])
# + self.rs = message[32:64]

# - self.rs = ss.decrypt_and_hash(message[:48])
# + ss.decrypt_and_hash(message[:48])
# + self.rs = message[:32]

# %% alternative xx-handshake: table-driven: the pattern's tokens interpreted in a loop
class XXHandshake:
    PATTERN = (("e",), ("e", "ee", "s", "es"), ("s", "se"))

    def __init__(self, initiator, cipher, static, ephemeral, prologue=b""):
        self.initiator, self.cipher = initiator, cipher
        self.keys = {"s": static, "e": ephemeral}
        self.remote = {}
        self.state = SymmetricState(b"Noise_XX_25519_" + cipher.encode() + b"_SHA256", cipher)
        self.state.mix_hash(prologue)
        self.index = 0
        self.ciphers = None

    def _dh(self, token):
        mine, theirs = (token[0], token[1]) if self.initiator else (token[1], token[0])
        return dh(self.keys[mine], self.remote[theirs])

    def write_message(self, payload=b""):
        out = bytearray()
        for token in self.PATTERN[self.index]:
            if token in ("e", "s"):
                pub = public_key(self.keys[token])
                out += pub if token == "e" else self.state.encrypt_and_hash(pub)
                if token == "e":
                    self.state.mix_hash(pub)
            else:
                self.state.mix_key(self._dh(token))
        out += self.state.encrypt_and_hash(payload)
        self._done()
        return bytes(out)

    def read_message(self, message):
        for token in self.PATTERN[self.index]:
            if token == "e":
                self.remote["e"], message = message[:32], message[32:]
                self.state.mix_hash(self.remote["e"])
            elif token == "s":
                self.remote["s"] = self.state.decrypt_and_hash(message[:48])
                message = message[48:]
            else:
                self.state.mix_key(self._dh(token))
        payload = self.state.decrypt_and_hash(message)
        self._done()
        return payload

    def _done(self):
        self.index += 1
        if self.index == 3:
            keys = [CipherState(self.cipher, k) for k in self.state.split()]
            self.ciphers = keys if self.initiator else keys[::-1]

    def is_complete(self):
        return self.ciphers is not None

    def handshake_hash(self):
        return self.state.handshake_hash()

    def remote_static(self):
        return self.remote.get("s")

    def encrypt(self, plaintext):
        return self.ciphers[0].encrypt_with_ad(b"", plaintext)

    def decrypt(self, ciphertext):
        return self.ciphers[1].decrypt_with_ad(b"", ciphertext)

# %% mutant replay-window in channel.ipynb: records the nonce before the message authenticates
# - if n in self.seen:
# -     raise ValueError(f"nonce {n} was already accepted: a replay")
# + if n in self.seen:
# +     raise ValueError(f"nonce {n} was already accepted: a replay")
# + self.seen.add(n)
# + if self.top is None or n > self.top:
# +     self.top = n

# - self.seen.add(n)
# - if self.top is None or n > self.top:
# -     self.top = n
# -     self.seen = {m for m in self.seen if m > self.top - self.window}
# + self.seen = {m for m in self.seen if m > self.top - self.window}

# %% mutant replay-window in channel.ipynb: off by one: accepts n == h - window
# - if self.top is not None and n <= self.top - self.window:
# + if self.top is not None and n < self.top - self.window:

# %% mutant replay-window in channel.ipynb: never checks for a nonce accepted before
# - if n in self.seen:
# -     raise ValueError(f"nonce {n} was already accepted: a replay")

# %% mutant replay-window in channel.ipynb: no window at all: only nonces above the highest are accepted
# - if self.top is not None and n <= self.top - self.window:
# + if self.top is not None and n <= self.top:

# %% alternative replay-window in channel.ipynb: a bitmask of the last `window` nonces, as IPsec does
class ReplayReceiver:
    def __init__(self, cipher, key, window=32):
        self.cipher, self.key, self.window = cipher, key, window
        self.top, self.mask = None, 0  # bit i set: nonce top - i accepted

    def open(self, message):
        if len(message) < 24:
            raise ValueError("too short")
        n = int.from_bytes(message[:8], "big")
        if self.top is not None:
            age = self.top - n
            if age >= self.window or (age >= 0 and self.mask >> age & 1):
                raise ValueError("replayed or too old")
        try:
            plaintext = aead(self.cipher, self.key).decrypt(
                noise_nonce(self.cipher, n), message[8:], b"")
        except Exception:
            raise ValueError("forged") from None
        if self.top is None:
            self.top, self.mask = n, 1
        elif n > self.top:
            self.mask = ((self.mask << (n - self.top)) | 1) & ((1 << self.window) - 1)
            self.top = n
        else:
            self.mask |= 1 << (self.top - n)
        return plaintext

    def highest(self):
        return self.top

# %% mutant rekey in channel.ipynb: moves to the new epoch before the message authenticates
# - else:
# -     previous = key = self.keys[self.current]
# -     for _ in range(e - self.current):
# -         previous, key = key, noise_rekey(self.cipher, key)
# + else:
# +     previous = key = self.keys[self.current]
# +     for _ in range(e - self.current):
# +         previous, key = key, noise_rekey(self.cipher, key)
# + if e > self.current:
# +     self.keys = {e - 1: previous, e: key}
# +     self.current = e

# - if e > self.current:
# -     self.keys = {e - 1: previous, e: key}
# -     self.current = e

# %% mutant rekey in channel.ipynb: keeps no previous key: a message delayed across a boundary is lost
# - if e < self.current - 1:
# + if e < self.current:

# %% mutant rekey in channel.ipynb: after a jump of several epochs keeps the old current key, not the key of e - 1
# - previous = key = self.keys[self.current]
# - for _ in range(e - self.current):
# -     previous, key = key, noise_rekey(self.cipher, key)
# + key = self.keys[self.current]
# + for _ in range(e - self.current):
# +     key = noise_rekey(self.cipher, key)

# - self.keys = {e - 1: previous, e: key}
# + self.keys = {e - 1: self.keys[self.current], e: key}

# %% mutant rekey in channel.ipynb: restarts the AEAD nonce at each epoch (uses n % every)
# - plaintext = aead(self.cipher, key).decrypt(noise_nonce(self.cipher, n), message[8:], b"")
# + plaintext = aead(self.cipher, key).decrypt(noise_nonce(self.cipher, n % self.every), message[8:], b"")

# %% mutant rekey in channel.ipynb: the attacker does not rekey forward: reads only the leaked epoch
# - if epoch < leaked_epoch:
# + if epoch != leaked_epoch:

# %% alternative rekey in channel.ipynb: keeps a dict of epoch keys, derived one step at a time and pruned
class RekeyReceiver:
    def __init__(self, cipher, key, every=32):
        self.cipher, self.every, self.now = cipher, every, 0
        self.held = {0: key}

    def epoch(self):
        return self.now

    def _key(self, e):
        keys, last = dict(self.held), self.now
        while last < e:
            keys[last + 1] = noise_rekey(self.cipher, keys[last])
            last += 1
        return keys

    def open(self, message):
        n = int.from_bytes(message[:8], "big")
        e = n // self.every
        if e not in self.held and e < self.now:
            raise ValueError("old epoch")
        keys = self._key(e)
        try:
            plaintext = aead(self.cipher, keys[e]).decrypt(noise_nonce(self.cipher, n), message[8:], b"")
        except InvalidTag as exc:
            raise ValueError("bad message") from exc
        if e > self.now:
            self.now = e
            self.held = {k: v for k, v in keys.items() if k >= e - 1}
        return plaintext

# %% mutant trust-policy in channel.ipynb: never compares the attested static key with the one the handshake authenticated
# - if bytes.fromhex(body["noise_static"]) != authenticated_static:
# -     raise ValueError("the attestation binds another static key than the handshake's")

# %% mutant trust-policy in channel.ipynb: accepts an attestation at the second it expires (now <= expires)
# - if not now < body["expires"]:
# + if now > body["expires"]:

# %% mutant trust-policy in channel.ipynb: verifies the credential with the authority key written inside it
# - cred = verified(credential, bytes.fromhex(policy["authority_key"]))
# + cred = verified(credential, bytes.fromhex(json.loads(credential)["body"]["authority_key"]))

# %% mutant trust-policy in channel.ipynb: a pinned policy accepts everyone
# - if identifier not in policy["identifiers"]:
# -     raise ValueError(f"{identifier} is not a pinned identifier")

# %% mutant trust-policy in channel.ipynb: trusts the identifier written in the attestation without deriving it
# - if body["identifier"] != identifier_of(identity_key):
# -     raise ValueError("the identifier is not derived from the identity key")

# %% alternative trust-policy in channel.ipynb: one checking helper per document, policies in a dict of functions
def check_peer(attestation, authenticated_static, now, policy, credential=None):
    def open_signed(raw, key_hex):
        doc = json.loads(raw)
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
        try:
            key.verify(bytes.fromhex(doc["signature"]), canonical(doc["body"]))
        except InvalidSignature as exc:
            raise ValueError("bad signature") from exc
        if now >= doc["body"]["expires"]:
            raise ValueError("expired")
        return doc["body"]

    claimed = json.loads(attestation)["body"]
    body = open_signed(attestation, claimed["identity_key"])
    who = body["identifier"]
    checks = [
        (who == identifier_of(bytes.fromhex(body["identity_key"])), "identifier mismatch"),
        (body["noise_static"] == authenticated_static.hex(), "static key mismatch"),
    ]
    for ok, why in checks:
        if not ok:
            raise ValueError(why)

    def authority():
        if credential is None:
            raise ValueError("credential required")
        cred = open_signed(credential, policy["authority_key"])
        name, value = policy["attribute"]
        return cred["subject"] == who and name in cred["attributes"] and cred["attributes"][name] == value

    rules = {
        "everyone": lambda: True,
        "pinned": lambda: who in policy["identifiers"],
        "authority": authority,
    }
    if not rules[policy["trust"]]():
        raise ValueError("the trust policy refuses " + who)
    return who

# %% mutant relay-channel in channel.ipynb: drops a bad message but keeps the channel open
# - self.closed = True

# %% mutant relay-channel in channel.ipynb: accepts any nonce, so replays and gaps go through
# - if len(message) < 24 or n != self.expected:
# + if len(message) < 24:

# %% mutant relay-channel in channel.ipynb: never advances the sending nonce (every message uses nonce 0)
# - self.sent += 1

# %% mutant relay-channel in channel.ipynb: encrypts with the receive key
# - message = seal(self.cipher, self.send_key, self.sent, plaintext)
# + message = seal(self.cipher, self.receive_key, self.sent, plaintext)

# %% alternative relay-channel in channel.ipynb: counters from itertools.count, the AEAD objects made once
import itertools


class ChannelEnd:
    def __init__(self, cipher, send_key, receive_key):
        self.cipher = cipher
        self.out, self.inn = aead(cipher, send_key), aead(cipher, receive_key)
        self.out_n, self.in_n = itertools.count(), itertools.count()
        self.want = next(self.in_n)
        self.alive = True

    def _check_open(self):
        if not self.alive:
            raise ConnectionError("closed")

    def send(self, plaintext):
        self._check_open()
        n = next(self.out_n)
        return n.to_bytes(8, "big") + self.out.encrypt(noise_nonce(self.cipher, n), plaintext, b"")

    def receive(self, message):
        self._check_open()
        try:
            if len(message) < 24 or int.from_bytes(message[:8], "big") != self.want:
                raise ValueError("out of order")
            plaintext = self.inn.decrypt(noise_nonce(self.cipher, self.want), message[8:], b"")
        except (ValueError, InvalidTag) as exc:
            self.alive = False
            raise ValueError(str(exc) or "forged") from None
        self.want = next(self.in_n)
        return plaintext

    def is_open(self):
        return self.alive
