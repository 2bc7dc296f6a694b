"""Mutants for 03-channels: plausible wrong answers, each of which must lose points.

Format: see course/authoring/mutants_file.py. Each entry replaces the functions and classes it
defines in the answer cell (the others keep the solution's code); the set-up cell has imported
hashlib, hmac, InvalidTag, AESGCM, ChaCha20Poly1305, course, dh, key_source, load_vectors,
noise_peer, public_key and defined MAX_NONCE (handshake.ipynb), or json, InvalidSignature,
Ed25519PublicKey, canonical, identifier_of, aead, noise_nonce, noise_rekey, seal (channel.ipynb). The
imports below are for the linter only.
"""

import hashlib
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
class CipherState:

    def __init__(self, cipher: str, key: bytes | None = None) -> None:
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
        if key is not None and len(key) != 32:
            raise ValueError("a key is 32 bytes")
        self.cipher = cipher
        self.k = None if key is None else bytes(key)
        self.n = 0

    def has_key(self) -> bool:
        return self.k is not None

    def nonce(self) -> int:
        return self.n

    def set_nonce(self, n: int) -> None:
        self.n = n

    def encrypt_with_ad(self, ad: bytes, plaintext: bytes) -> bytes:
        if self.k is None:
            return plaintext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        ciphertext = aead.encrypt(nonce, plaintext, ad)
        return ciphertext

    def decrypt_with_ad(self, ad: bytes, ciphertext: bytes) -> bytes:
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

    def rekey(self) -> None:
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + MAX_NONCE.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        self.k = aead.encrypt(nonce, bytes(32), b"")[:32]

# %% mutant cipher-state: the nonce is advanced before decrypting, so a forged message moves it
class CipherState:

    def __init__(self, cipher: str, key: bytes | None = None) -> None:
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
        if key is not None and len(key) != 32:
            raise ValueError("a key is 32 bytes")
        self.cipher = cipher
        self.k = None if key is None else bytes(key)
        self.n = 0

    def has_key(self) -> bool:
        return self.k is not None

    def nonce(self) -> int:
        return self.n

    def set_nonce(self, n: int) -> None:
        self.n = n

    def encrypt_with_ad(self, ad: bytes, plaintext: bytes) -> bytes:
        if self.k is None:
            return plaintext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        ciphertext = aead.encrypt(nonce, plaintext, ad)
        self.n += 1
        return ciphertext

    def decrypt_with_ad(self, ad: bytes, ciphertext: bytes) -> bytes:
        if self.k is None:
            return ciphertext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        self.n += 1
        try:
            plaintext = aead.decrypt(nonce, ciphertext, ad)
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        return plaintext

    def rekey(self) -> None:
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + MAX_NONCE.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        self.k = aead.encrypt(nonce, bytes(32), b"")[:32]

# %% mutant cipher-state: little-endian nonces for both ciphers (AESGCM's must be big-endian)
class CipherState:

    def __init__(self, cipher: str, key: bytes | None = None) -> None:
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
        if key is not None and len(key) != 32:
            raise ValueError("a key is 32 bytes")
        self.cipher = cipher
        self.k = None if key is None else bytes(key)
        self.n = 0

    def has_key(self) -> bool:
        return self.k is not None

    def nonce(self) -> int:
        return self.n

    def set_nonce(self, n: int) -> None:
        self.n = n

    def encrypt_with_ad(self, ad: bytes, plaintext: bytes) -> bytes:
        if self.k is None:
            return plaintext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "little")
        ciphertext = aead.encrypt(nonce, plaintext, ad)
        self.n += 1
        return ciphertext

    def decrypt_with_ad(self, ad: bytes, ciphertext: bytes) -> bytes:
        if self.k is None:
            return ciphertext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "little")
        try:
            plaintext = aead.decrypt(nonce, ciphertext, ad)
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        self.n += 1
        return plaintext

    def rekey(self) -> None:
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + MAX_NONCE.to_bytes(8, "little")
        self.k = aead.encrypt(nonce, bytes(32), b"")[:32]

# %% mutant cipher-state: rekey encrypts with nonce 0 instead of the reserved maximum
class CipherState:

    def __init__(self, cipher: str, key: bytes | None = None) -> None:
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
        if key is not None and len(key) != 32:
            raise ValueError("a key is 32 bytes")
        self.cipher = cipher
        self.k = None if key is None else bytes(key)
        self.n = 0

    def has_key(self) -> bool:
        return self.k is not None

    def nonce(self) -> int:
        return self.n

    def set_nonce(self, n: int) -> None:
        self.n = n

    def encrypt_with_ad(self, ad: bytes, plaintext: bytes) -> bytes:
        if self.k is None:
            return plaintext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        ciphertext = aead.encrypt(nonce, plaintext, ad)
        self.n += 1
        return ciphertext

    def decrypt_with_ad(self, ad: bytes, ciphertext: bytes) -> bytes:
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

    def rekey(self) -> None:
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + (0).to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        self.k = aead.encrypt(nonce, bytes(32), b"")[:32]

# %% mutant cipher-state: the maximum nonce is not reserved
class CipherState:

    def __init__(self, cipher: str, key: bytes | None = None) -> None:
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
        if key is not None and len(key) != 32:
            raise ValueError("a key is 32 bytes")
        self.cipher = cipher
        self.k = None if key is None else bytes(key)
        self.n = 0

    def has_key(self) -> bool:
        return self.k is not None

    def nonce(self) -> int:
        return self.n

    def set_nonce(self, n: int) -> None:
        self.n = n

    def encrypt_with_ad(self, ad: bytes, plaintext: bytes) -> bytes:
        if self.k is None:
            return plaintext
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        ciphertext = aead.encrypt(nonce, plaintext, ad)
        self.n += 1
        return ciphertext

    def decrypt_with_ad(self, ad: bytes, ciphertext: bytes) -> bytes:
        if self.k is None:
            return ciphertext
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        try:
            plaintext = aead.decrypt(nonce, ciphertext, ad)
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        self.n += 1
        return plaintext

    def rekey(self) -> None:
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + MAX_NONCE.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        self.k = aead.encrypt(nonce, bytes(32), b"")[:32]

# %% mutant cipher-state: lets cryptography's InvalidTag escape instead of raising ValueError
class CipherState:

    def __init__(self, cipher: str, key: bytes | None = None) -> None:
        if cipher not in ("AESGCM", "ChaChaPoly"):
            raise ValueError(f"cipher must be 'AESGCM' or 'ChaChaPoly', got {cipher!r}")
        if key is not None and len(key) != 32:
            raise ValueError("a key is 32 bytes")
        self.cipher = cipher
        self.k = None if key is None else bytes(key)
        self.n = 0

    def has_key(self) -> bool:
        return self.k is not None

    def nonce(self) -> int:
        return self.n

    def set_nonce(self, n: int) -> None:
        self.n = n

    def encrypt_with_ad(self, ad: bytes, plaintext: bytes) -> bytes:
        if self.k is None:
            return plaintext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        ciphertext = aead.encrypt(nonce, plaintext, ad)
        self.n += 1
        return ciphertext

    def decrypt_with_ad(self, ad: bytes, ciphertext: bytes) -> bytes:
        if self.k is None:
            return ciphertext
        if self.n == MAX_NONCE:
            raise OverflowError("the nonce is exhausted: rekey or start a new session")
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + self.n.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        plaintext = aead.decrypt(nonce, ciphertext, ad)
        self.n += 1
        return plaintext

    def rekey(self) -> None:
        aead = AESGCM(self.k) if self.cipher == "AESGCM" else ChaCha20Poly1305(self.k)
        nonce = bytes(4) + MAX_NONCE.to_bytes(8, "big" if self.cipher == "AESGCM" else "little")
        self.k = aead.encrypt(nonce, bytes(32), b"")[:32]

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
def recover_plaintext(known_plaintext, known_ciphertext, other_ciphertext):
    n = min(len(known_plaintext), len(other_ciphertext) - 16)
    return bytes(a ^ b for a, b in zip(known_ciphertext[:n], other_ciphertext[:n], strict=True))

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
def hkdf(chaining_key: bytes, input_key_material: bytes, num_outputs: int) -> tuple[bytes, ...]:
    if num_outputs not in (2, 3):
        raise ValueError(f"num_outputs must be 2 or 3, got {num_outputs!r}")
    temp_key = hmac.new(chaining_key, input_key_material, hashlib.sha256).digest()
    outputs, previous = [], b""
    for i in range(1, num_outputs + 1):
        previous = hmac.new(temp_key, bytes([i]), hashlib.sha256).digest()
        outputs.append(previous)
    return tuple(outputs)

# %% mutant symmetric-state: delegates hkdf to cryptography's HKDF instead of writing it by hand
def hkdf(chaining_key, input_key_material, num_outputs):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if num_outputs not in (2, 3):
        raise ValueError("num_outputs must be 2 or 3")
    okm = HKDF(hashes.SHA256(), 32 * num_outputs, chaining_key, b"").derive(input_key_material)
    return tuple(okm[i : i + 32] for i in range(0, len(okm), 32))

# %% mutant symmetric-state: mix_key swaps the chaining key and the cipher key
class SymmetricState:

    def __init__(self, protocol_name: bytes, cipher: str) -> None:
        if len(protocol_name) <= 32:
            self.h = protocol_name + bytes(32 - len(protocol_name))
        else:
            self.h = hashlib.sha256(protocol_name).digest()
        self.ck = self.h
        self.cipher = cipher
        self.cs = CipherState(cipher)

    def handshake_hash(self) -> bytes:
        return self.h

    def chaining_key(self) -> bytes:
        return self.ck

    def mix_hash(self, data: bytes) -> None:
        self.h = hashlib.sha256(self.h + data).digest()

    def mix_key(self, input_key_material: bytes) -> None:
        temp_k, self.ck = hkdf(self.ck, input_key_material, 2)
        self.cs = CipherState(self.cipher, temp_k)

    def encrypt_and_hash(self, plaintext: bytes) -> bytes:
        ciphertext = self.cs.encrypt_with_ad(self.h, plaintext)
        self.mix_hash(ciphertext)
        return ciphertext

    def decrypt_and_hash(self, ciphertext: bytes) -> bytes:
        plaintext = self.cs.decrypt_with_ad(self.h, ciphertext)
        self.mix_hash(ciphertext)
        return plaintext

    def split(self) -> tuple[bytes, bytes]:
        return hkdf(self.ck, b"", 2)

# %% mutant symmetric-state: decrypt_and_hash mixes the plaintext into h instead of the ciphertext
class SymmetricState:

    def __init__(self, protocol_name: bytes, cipher: str) -> None:
        if len(protocol_name) <= 32:
            self.h = protocol_name + bytes(32 - len(protocol_name))
        else:
            self.h = hashlib.sha256(protocol_name).digest()
        self.ck = self.h
        self.cipher = cipher
        self.cs = CipherState(cipher)

    def handshake_hash(self) -> bytes:
        return self.h

    def chaining_key(self) -> bytes:
        return self.ck

    def mix_hash(self, data: bytes) -> None:
        self.h = hashlib.sha256(self.h + data).digest()

    def mix_key(self, input_key_material: bytes) -> None:
        self.ck, temp_k = hkdf(self.ck, input_key_material, 2)
        self.cs = CipherState(self.cipher, temp_k)

    def encrypt_and_hash(self, plaintext: bytes) -> bytes:
        ciphertext = self.cs.encrypt_with_ad(self.h, plaintext)
        self.mix_hash(ciphertext)
        return ciphertext

    def decrypt_and_hash(self, ciphertext: bytes) -> bytes:
        plaintext = self.cs.decrypt_with_ad(self.h, ciphertext)
        self.mix_hash(plaintext)
        return plaintext

    def split(self) -> tuple[bytes, bytes]:
        return hkdf(self.ck, b"", 2)

# %% mutant symmetric-state: a protocol name longer than 32 bytes is truncated instead of hashed
class SymmetricState:

    def __init__(self, protocol_name: bytes, cipher: str) -> None:
        if len(protocol_name) <= 32:
            self.h = protocol_name + bytes(32 - len(protocol_name))
        else:
            self.h = protocol_name[:32]
        self.ck = self.h
        self.cipher = cipher
        self.cs = CipherState(cipher)

    def handshake_hash(self) -> bytes:
        return self.h

    def chaining_key(self) -> bytes:
        return self.ck

    def mix_hash(self, data: bytes) -> None:
        self.h = hashlib.sha256(self.h + data).digest()

    def mix_key(self, input_key_material: bytes) -> None:
        self.ck, temp_k = hkdf(self.ck, input_key_material, 2)
        self.cs = CipherState(self.cipher, temp_k)

    def encrypt_and_hash(self, plaintext: bytes) -> bytes:
        ciphertext = self.cs.encrypt_with_ad(self.h, plaintext)
        self.mix_hash(ciphertext)
        return ciphertext

    def decrypt_and_hash(self, ciphertext: bytes) -> bytes:
        plaintext = self.cs.decrypt_with_ad(self.h, ciphertext)
        self.mix_hash(ciphertext)
        return plaintext

    def split(self) -> tuple[bytes, bytes]:
        return hkdf(self.ck, b"", 2)

# %% mutant symmetric-state: split returns the keys in the wrong order
class SymmetricState:

    def __init__(self, protocol_name: bytes, cipher: str) -> None:
        if len(protocol_name) <= 32:
            self.h = protocol_name + bytes(32 - len(protocol_name))
        else:
            self.h = hashlib.sha256(protocol_name).digest()
        self.ck = self.h
        self.cipher = cipher
        self.cs = CipherState(cipher)

    def handshake_hash(self) -> bytes:
        return self.h

    def chaining_key(self) -> bytes:
        return self.ck

    def mix_hash(self, data: bytes) -> None:
        self.h = hashlib.sha256(self.h + data).digest()

    def mix_key(self, input_key_material: bytes) -> None:
        self.ck, temp_k = hkdf(self.ck, input_key_material, 2)
        self.cs = CipherState(self.cipher, temp_k)

    def encrypt_and_hash(self, plaintext: bytes) -> bytes:
        ciphertext = self.cs.encrypt_with_ad(self.h, plaintext)
        self.mix_hash(ciphertext)
        return ciphertext

    def decrypt_and_hash(self, ciphertext: bytes) -> bytes:
        plaintext = self.cs.decrypt_with_ad(self.h, ciphertext)
        self.mix_hash(ciphertext)
        return plaintext

    def split(self) -> tuple[bytes, bytes]:
        k1, k2 = hkdf(self.ck, b"", 2)
        return k2, k1

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
class NNAttacker:

    def __init__(self, cipher: str, ephemeral_to_initiator: bytes, ephemeral_to_responder: bytes,
                 old: bytes = b"", new: bytes = b"") -> None:
        name = f"Noise_NN_25519_{cipher}_SHA256".encode()
        self.cipher = cipher
        self.alice = SymmetricState(name, cipher)  # we are the responder to Alice
        self.bob = SymmetricState(name, cipher)  # we are the initiator to Bob
        self.alice.mix_hash(b"")
        self.bob.mix_hash(b"")
        self.e_alice, self.e_bob = ephemeral_to_initiator, ephemeral_to_responder
        self.old, self.new = old, new
        self.log = []

    def forward_message1(self, message: bytes) -> bytes:
        self.re_alice = message[:32]
        self.alice.mix_hash(self.re_alice)
        payload = self.alice.decrypt_and_hash(message[32:])
        self.log.append(payload)
        self.bob.mix_hash(self.re_alice)
        self.bob.encrypt_and_hash(payload)
        return message

    def forward_message2(self, message: bytes) -> bytes:
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

    def relay_to_responder(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_alice.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        if self.old:
            plaintext = plaintext.replace(self.old, self.new)
        return self.to_bob.encrypt_with_ad(b"", plaintext)

    def relay_to_initiator(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_bob.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        return self.to_alice.encrypt_with_ad(b"", plaintext)

    def recovered(self) -> list[bytes]:
        return list(self.log)

# %% mutant nn-mitm: uses the transport keys of each side the wrong way round
class NNAttacker:

    def __init__(self, cipher: str, ephemeral_to_initiator: bytes, ephemeral_to_responder: bytes,
                 old: bytes = b"", new: bytes = b"") -> None:
        name = f"Noise_NN_25519_{cipher}_SHA256".encode()
        self.cipher = cipher
        self.alice = SymmetricState(name, cipher)  # we are the responder to Alice
        self.bob = SymmetricState(name, cipher)  # we are the initiator to Bob
        self.alice.mix_hash(b"")
        self.bob.mix_hash(b"")
        self.e_alice, self.e_bob = ephemeral_to_initiator, ephemeral_to_responder
        self.old, self.new = old, new
        self.log = []

    def forward_message1(self, message: bytes) -> bytes:
        self.re_alice = message[:32]
        self.alice.mix_hash(self.re_alice)
        payload = self.alice.decrypt_and_hash(message[32:])
        self.log.append(payload)
        e = public_key(self.e_bob)
        self.bob.mix_hash(e)
        return e + self.bob.encrypt_and_hash(payload)

    def forward_message2(self, message: bytes) -> bytes:
        re_bob = message[:32]
        self.bob.mix_hash(re_bob)
        self.bob.mix_key(dh(self.e_bob, re_bob))
        payload = self.bob.decrypt_and_hash(message[32:])
        self.log.append(payload)
        e = public_key(self.e_alice)
        self.alice.mix_hash(e)
        self.alice.mix_key(dh(self.e_alice, self.re_alice))
        out = e + self.alice.encrypt_and_hash(payload)
        to_alice, from_alice = self.alice.split()
        from_bob, to_bob = self.bob.split()
        self.from_alice = CipherState(self.cipher, from_alice)
        self.to_alice = CipherState(self.cipher, to_alice)
        self.to_bob = CipherState(self.cipher, to_bob)
        self.from_bob = CipherState(self.cipher, from_bob)
        return out

    def relay_to_responder(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_alice.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        if self.old:
            plaintext = plaintext.replace(self.old, self.new)
        return self.to_bob.encrypt_with_ad(b"", plaintext)

    def relay_to_initiator(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_bob.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        return self.to_alice.encrypt_with_ad(b"", plaintext)

    def recovered(self) -> list[bytes]:
        return list(self.log)

# %% mutant nn-mitm: leaves the handshake payloads out of recovered()
class NNAttacker:

    def __init__(self, cipher: str, ephemeral_to_initiator: bytes, ephemeral_to_responder: bytes,
                 old: bytes = b"", new: bytes = b"") -> None:
        name = f"Noise_NN_25519_{cipher}_SHA256".encode()
        self.cipher = cipher
        self.alice = SymmetricState(name, cipher)  # we are the responder to Alice
        self.bob = SymmetricState(name, cipher)  # we are the initiator to Bob
        self.alice.mix_hash(b"")
        self.bob.mix_hash(b"")
        self.e_alice, self.e_bob = ephemeral_to_initiator, ephemeral_to_responder
        self.old, self.new = old, new
        self.log = []

    def forward_message1(self, message: bytes) -> bytes:
        self.re_alice = message[:32]
        self.alice.mix_hash(self.re_alice)
        payload = self.alice.decrypt_and_hash(message[32:])
        e = public_key(self.e_bob)
        self.bob.mix_hash(e)
        return e + self.bob.encrypt_and_hash(payload)

    def forward_message2(self, message: bytes) -> bytes:
        re_bob = message[:32]
        self.bob.mix_hash(re_bob)
        self.bob.mix_key(dh(self.e_bob, re_bob))
        payload = self.bob.decrypt_and_hash(message[32:])
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

    def relay_to_responder(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_alice.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        if self.old:
            plaintext = plaintext.replace(self.old, self.new)
        return self.to_bob.encrypt_with_ad(b"", plaintext)

    def relay_to_initiator(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_bob.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        return self.to_alice.encrypt_with_ad(b"", plaintext)

    def recovered(self) -> list[bytes]:
        return list(self.log)

# %% mutant nn-mitm: rewrites Bob's messages to Alice too
class NNAttacker:

    def __init__(self, cipher: str, ephemeral_to_initiator: bytes, ephemeral_to_responder: bytes,
                 old: bytes = b"", new: bytes = b"") -> None:
        name = f"Noise_NN_25519_{cipher}_SHA256".encode()
        self.cipher = cipher
        self.alice = SymmetricState(name, cipher)  # we are the responder to Alice
        self.bob = SymmetricState(name, cipher)  # we are the initiator to Bob
        self.alice.mix_hash(b"")
        self.bob.mix_hash(b"")
        self.e_alice, self.e_bob = ephemeral_to_initiator, ephemeral_to_responder
        self.old, self.new = old, new
        self.log = []

    def forward_message1(self, message: bytes) -> bytes:
        self.re_alice = message[:32]
        self.alice.mix_hash(self.re_alice)
        payload = self.alice.decrypt_and_hash(message[32:])
        self.log.append(payload)
        e = public_key(self.e_bob)
        self.bob.mix_hash(e)
        return e + self.bob.encrypt_and_hash(payload)

    def forward_message2(self, message: bytes) -> bytes:
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

    def relay_to_responder(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_alice.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        if self.old:
            plaintext = plaintext.replace(self.old, self.new)
        return self.to_bob.encrypt_with_ad(b"", plaintext)

    def relay_to_initiator(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_bob.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        if self.old:
            plaintext = plaintext.replace(self.old, self.new)
        return self.to_alice.encrypt_with_ad(b"", plaintext)

    def recovered(self) -> list[bytes]:
        return list(self.log)

# %% mutant nn-mitm: records the rewritten plaintext instead of what Alice sent
class NNAttacker:

    def __init__(self, cipher: str, ephemeral_to_initiator: bytes, ephemeral_to_responder: bytes,
                 old: bytes = b"", new: bytes = b"") -> None:
        name = f"Noise_NN_25519_{cipher}_SHA256".encode()
        self.cipher = cipher
        self.alice = SymmetricState(name, cipher)  # we are the responder to Alice
        self.bob = SymmetricState(name, cipher)  # we are the initiator to Bob
        self.alice.mix_hash(b"")
        self.bob.mix_hash(b"")
        self.e_alice, self.e_bob = ephemeral_to_initiator, ephemeral_to_responder
        self.old, self.new = old, new
        self.log = []

    def forward_message1(self, message: bytes) -> bytes:
        self.re_alice = message[:32]
        self.alice.mix_hash(self.re_alice)
        payload = self.alice.decrypt_and_hash(message[32:])
        self.log.append(payload)
        e = public_key(self.e_bob)
        self.bob.mix_hash(e)
        return e + self.bob.encrypt_and_hash(payload)

    def forward_message2(self, message: bytes) -> bytes:
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

    def relay_to_responder(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_alice.decrypt_with_ad(b"", ciphertext)
        if self.old:
            plaintext = plaintext.replace(self.old, self.new)
        self.log.append(plaintext)
        return self.to_bob.encrypt_with_ad(b"", plaintext)

    def relay_to_initiator(self, ciphertext: bytes) -> bytes:
        plaintext = self.from_bob.decrypt_with_ad(b"", ciphertext)
        self.log.append(plaintext)
        return self.to_alice.encrypt_with_ad(b"", plaintext)

    def recovered(self) -> list[bytes]:
        return list(self.log)

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
class XXHandshake:

    def __init__(self, initiator: bool, cipher: str, static: bytes, ephemeral: bytes,
                 prologue: bytes = b"") -> None:
        self.initiator, self.cipher = initiator, cipher
        self.s, self.e = static, ephemeral
        self.ss = SymmetricState(f"Noise_XX_25519_{cipher}_SHA256".encode(), cipher)
        self.ss.mix_hash(prologue)
        self.re = self.rs = None
        self.step = 0
        self.send = self.recv = None

    def write_message(self, payload: bytes = b"") -> bytes:
        ss = self.ss
        if self.step == 0:  # -> e
            out = public_key(self.e)
            ss.mix_hash(out)
        elif self.step == 1:  # <- e, ee, s, es
            out = public_key(self.e)
            ss.mix_hash(out)
            ss.mix_key(dh(self.e, self.re))
            out += ss.encrypt_and_hash(public_key(self.s))
            ss.mix_key(dh(self.e, self.re))
        else:  # -> s, se
            out = ss.encrypt_and_hash(public_key(self.s))
            ss.mix_key(dh(self.s, self.re))
        out += ss.encrypt_and_hash(payload)
        self.step += 1
        return out

    def read_message(self, message: bytes) -> bytes:
        ss = self.ss
        if self.step == 0:  # -> e
            self.re, rest = message[:32], message[32:]
            ss.mix_hash(self.re)
        elif self.step == 1:  # <- e, ee, s, es
            self.re = message[:32]
            ss.mix_hash(self.re)
            ss.mix_key(dh(self.e, self.re))
            self.rs = ss.decrypt_and_hash(message[32:80])
            ss.mix_key(dh(self.e, self.re))
            rest = message[80:]
        else:  # -> s, se
            self.rs = ss.decrypt_and_hash(message[:48])
            ss.mix_key(dh(self.e, self.rs))
            rest = message[48:]
        payload = ss.decrypt_and_hash(rest)
        self.step += 1
        return payload

    def is_complete(self) -> bool:
        return self.step == 3

    def handshake_hash(self) -> bytes:
        return self.ss.handshake_hash()

    def remote_static(self) -> bytes | None:
        return self.rs

    def encrypt(self, plaintext: bytes) -> bytes:
        if self.send is None:  # the first transport message: split the handshake's keys
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.send.encrypt_with_ad(b"", plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        if self.recv is None:
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.recv.decrypt_with_ad(b"", ciphertext)

# %% mutant xx-handshake: the payload is encrypted but not mixed into the handshake hash
class XXHandshake:

    def __init__(self, initiator: bool, cipher: str, static: bytes, ephemeral: bytes,
                 prologue: bytes = b"") -> None:
        self.initiator, self.cipher = initiator, cipher
        self.s, self.e = static, ephemeral
        self.ss = SymmetricState(f"Noise_XX_25519_{cipher}_SHA256".encode(), cipher)
        self.ss.mix_hash(prologue)
        self.re = self.rs = None
        self.step = 0
        self.send = self.recv = None

    def write_message(self, payload: bytes = b"") -> bytes:
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
        out += ss.cs.encrypt_with_ad(ss.h, payload)
        self.step += 1
        return out

    def read_message(self, message: bytes) -> bytes:
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
        payload = ss.cs.decrypt_with_ad(ss.h, rest)
        self.step += 1
        return payload

    def is_complete(self) -> bool:
        return self.step == 3

    def handshake_hash(self) -> bytes:
        return self.ss.handshake_hash()

    def remote_static(self) -> bytes | None:
        return self.rs

    def encrypt(self, plaintext: bytes) -> bytes:
        if self.send is None:  # the first transport message: split the handshake's keys
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.send.encrypt_with_ad(b"", plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        if self.recv is None:
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.recv.decrypt_with_ad(b"", ciphertext)

# %% mutant xx-handshake: the prologue is not mixed into the handshake hash
class XXHandshake:

    def __init__(self, initiator: bool, cipher: str, static: bytes, ephemeral: bytes,
                 prologue: bytes = b"") -> None:
        self.initiator, self.cipher = initiator, cipher
        self.s, self.e = static, ephemeral
        self.ss = SymmetricState(f"Noise_XX_25519_{cipher}_SHA256".encode(), cipher)
        self.re = self.rs = None
        self.step = 0
        self.send = self.recv = None

    def write_message(self, payload: bytes = b"") -> bytes:
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

    def read_message(self, message: bytes) -> bytes:
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

    def is_complete(self) -> bool:
        return self.step == 3

    def handshake_hash(self) -> bytes:
        return self.ss.handshake_hash()

    def remote_static(self) -> bytes | None:
        return self.rs

    def encrypt(self, plaintext: bytes) -> bytes:
        if self.send is None:  # the first transport message: split the handshake's keys
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.send.encrypt_with_ad(b"", plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        if self.recv is None:
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.recv.decrypt_with_ad(b"", ciphertext)

# %% mutant xx-handshake: split's keys swapped: the initiator sends with the second key
class XXHandshake:

    def __init__(self, initiator: bool, cipher: str, static: bytes, ephemeral: bytes,
                 prologue: bytes = b"") -> None:
        self.initiator, self.cipher = initiator, cipher
        self.s, self.e = static, ephemeral
        self.ss = SymmetricState(f"Noise_XX_25519_{cipher}_SHA256".encode(), cipher)
        self.ss.mix_hash(prologue)
        self.re = self.rs = None
        self.step = 0
        self.send = self.recv = None

    def write_message(self, payload: bytes = b"") -> bytes:
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

    def read_message(self, message: bytes) -> bytes:
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

    def is_complete(self) -> bool:
        return self.step == 3

    def handshake_hash(self) -> bytes:
        return self.ss.handshake_hash()

    def remote_static(self) -> bytes | None:
        return self.rs

    def encrypt(self, plaintext: bytes) -> bytes:
        if self.send is None:  # the first transport message: split the handshake's keys
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c2, c1) if self.initiator else (c1, c2)
        return self.send.encrypt_with_ad(b"", plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        if self.recv is None:
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c2, c1) if self.initiator else (c1, c2)
        return self.recv.decrypt_with_ad(b"", ciphertext)

# %% mutant xx-handshake: keeps the encrypted static key as remote_static() (and DHs with it)
class XXHandshake:

    def __init__(self, initiator: bool, cipher: str, static: bytes, ephemeral: bytes,
                 prologue: bytes = b"") -> None:
        self.initiator, self.cipher = initiator, cipher
        self.s, self.e = static, ephemeral
        self.ss = SymmetricState(f"Noise_XX_25519_{cipher}_SHA256".encode(), cipher)
        self.ss.mix_hash(prologue)
        self.re = self.rs = None
        self.step = 0
        self.send = self.recv = None

    def write_message(self, payload: bytes = b"") -> bytes:
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

    def read_message(self, message: bytes) -> bytes:
        ss = self.ss
        if self.step == 0:  # -> e
            self.re, rest = message[:32], message[32:]
            ss.mix_hash(self.re)
        elif self.step == 1:  # <- e, ee, s, es
            self.re = message[:32]
            ss.mix_hash(self.re)
            ss.mix_key(dh(self.e, self.re))
            ss.decrypt_and_hash(message[32:80])
            self.rs = message[32:64]
            ss.mix_key(dh(self.e, self.rs))
            rest = message[80:]
        else:  # -> s, se
            ss.decrypt_and_hash(message[:48])
            self.rs = message[:32]
            ss.mix_key(dh(self.e, self.rs))
            rest = message[48:]
        payload = ss.decrypt_and_hash(rest)
        self.step += 1
        return payload

    def is_complete(self) -> bool:
        return self.step == 3

    def handshake_hash(self) -> bytes:
        return self.ss.handshake_hash()

    def remote_static(self) -> bytes | None:
        return self.rs

    def encrypt(self, plaintext: bytes) -> bytes:
        if self.send is None:  # the first transport message: split the handshake's keys
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.send.encrypt_with_ad(b"", plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        if self.recv is None:
            k1, k2 = self.ss.split()
            c1, c2 = CipherState(self.cipher, k1), CipherState(self.cipher, k2)
            self.send, self.recv = (c1, c2) if self.initiator else (c2, c1)
        return self.recv.decrypt_with_ad(b"", ciphertext)

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
class ReplayReceiver:

    def __init__(self, cipher: str, key: bytes, window: int = 32) -> None:
        self.aead = aead(cipher, key)
        self.cipher, self.window = cipher, window
        self.top = None
        self.seen = set()  # accepted nonces inside the window

    def open(self, message: bytes) -> bytes:
        if len(message) < 8 + 16:
            raise ValueError(f"a message has at least 24 bytes, got {len(message)}")
        n = int.from_bytes(message[:8], "big")
        if self.top is not None and n <= self.top - self.window:
            raise ValueError(f"nonce {n} is too old (highest accepted {self.top})")
        if n in self.seen:
            raise ValueError(f"nonce {n} was already accepted: a replay")
        self.seen.add(n)
        if self.top is None or n > self.top:
            self.top = n
        try:
            plaintext = self.aead.decrypt(noise_nonce(self.cipher, n), message[8:], b"")
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        self.seen = {m for m in self.seen if m > self.top - self.window}
        return plaintext

    def highest(self) -> int | None:
        return self.top

# %% mutant replay-window in channel.ipynb: off by one: accepts n == h - window
class ReplayReceiver:

    def __init__(self, cipher: str, key: bytes, window: int = 32) -> None:
        self.aead = aead(cipher, key)
        self.cipher, self.window = cipher, window
        self.top = None
        self.seen = set()  # accepted nonces inside the window

    def open(self, message: bytes) -> bytes:
        if len(message) < 8 + 16:
            raise ValueError(f"a message has at least 24 bytes, got {len(message)}")
        n = int.from_bytes(message[:8], "big")
        if self.top is not None and n < self.top - self.window:
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

    def highest(self) -> int | None:
        return self.top

# %% mutant replay-window in channel.ipynb: never checks for a nonce accepted before
class ReplayReceiver:

    def __init__(self, cipher: str, key: bytes, window: int = 32) -> None:
        self.aead = aead(cipher, key)
        self.cipher, self.window = cipher, window
        self.top = None
        self.seen = set()  # accepted nonces inside the window

    def open(self, message: bytes) -> bytes:
        if len(message) < 8 + 16:
            raise ValueError(f"a message has at least 24 bytes, got {len(message)}")
        n = int.from_bytes(message[:8], "big")
        if self.top is not None and n <= self.top - self.window:
            raise ValueError(f"nonce {n} is too old (highest accepted {self.top})")
        try:
            plaintext = self.aead.decrypt(noise_nonce(self.cipher, n), message[8:], b"")
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        self.seen.add(n)
        if self.top is None or n > self.top:
            self.top = n
            self.seen = {m for m in self.seen if m > self.top - self.window}
        return plaintext

    def highest(self) -> int | None:
        return self.top

# %% mutant replay-window in channel.ipynb: no window at all: only nonces above the highest are accepted
class ReplayReceiver:

    def __init__(self, cipher: str, key: bytes, window: int = 32) -> None:
        self.aead = aead(cipher, key)
        self.cipher, self.window = cipher, window
        self.top = None
        self.seen = set()  # accepted nonces inside the window

    def open(self, message: bytes) -> bytes:
        if len(message) < 8 + 16:
            raise ValueError(f"a message has at least 24 bytes, got {len(message)}")
        n = int.from_bytes(message[:8], "big")
        if self.top is not None and n <= self.top:
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

    def highest(self) -> int | None:
        return self.top

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
class RekeyReceiver:

    def __init__(self, cipher: str, key: bytes, every: int = 32) -> None:
        self.cipher, self.every = cipher, every
        self.current, self.keys = 0, {0: key}

    def epoch(self) -> int:
        return self.current

    def open(self, message: bytes) -> bytes:
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
        if e > self.current:
            self.keys = {e - 1: previous, e: key}
            self.current = e
        try:
            plaintext = aead(self.cipher, key).decrypt(noise_nonce(self.cipher, n), message[8:], b"")
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        return plaintext

# %% mutant rekey in channel.ipynb: keeps no previous key: a message delayed across a boundary is lost
class RekeyReceiver:

    def __init__(self, cipher: str, key: bytes, every: int = 32) -> None:
        self.cipher, self.every = cipher, every
        self.current, self.keys = 0, {0: key}

    def epoch(self) -> int:
        return self.current

    def open(self, message: bytes) -> bytes:
        n = int.from_bytes(message[:8], "big")
        e = n // self.every
        if e < self.current:
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

# %% mutant rekey in channel.ipynb: after a jump of several epochs keeps the old current key, not the key of e - 1
class RekeyReceiver:

    def __init__(self, cipher: str, key: bytes, every: int = 32) -> None:
        self.cipher, self.every = cipher, every
        self.current, self.keys = 0, {0: key}

    def epoch(self) -> int:
        return self.current

    def open(self, message: bytes) -> bytes:
        n = int.from_bytes(message[:8], "big")
        e = n // self.every
        if e < self.current - 1:
            raise ValueError(f"epoch {e} is over: its key was discarded")
        if e <= self.current:
            key = self.keys[e]
        else:
            key = self.keys[self.current]
            for _ in range(e - self.current):
                key = noise_rekey(self.cipher, key)
        try:
            plaintext = aead(self.cipher, key).decrypt(noise_nonce(self.cipher, n), message[8:], b"")
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        if e > self.current:
            self.keys = {e - 1: self.keys[self.current], e: key}
            self.current = e
        return plaintext

# %% mutant rekey in channel.ipynb: restarts the AEAD nonce at each epoch (uses n % every)
class RekeyReceiver:

    def __init__(self, cipher: str, key: bytes, every: int = 32) -> None:
        self.cipher, self.every = cipher, every
        self.current, self.keys = 0, {0: key}

    def epoch(self) -> int:
        return self.current

    def open(self, message: bytes) -> bytes:
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
            plaintext = aead(self.cipher, key).decrypt(noise_nonce(self.cipher, n % self.every), message[8:], b"")
        except InvalidTag:
            raise ValueError("the message failed authentication") from None
        if e > self.current:
            self.keys = {e - 1: previous, e: key}
            self.current = e
        return plaintext

# %% mutant rekey in channel.ipynb: the attacker does not rekey forward: reads only the leaked epoch
def read_with_leaked_key(cipher: str, leaked_key: bytes, leaked_epoch: int, every: int,
                         messages: list[bytes]) -> list[bytes | None]:
    out = []
    for message in messages:
        n = int.from_bytes(message[:8], "big")
        epoch = n // every
        if epoch != leaked_epoch:
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
def check_peer(attestation: bytes, authenticated_static: bytes, now: int, policy: dict,
               credential: bytes | None = None) -> str:
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

# %% mutant trust-policy in channel.ipynb: accepts an attestation at the second it expires (now <= expires)
def check_peer(attestation: bytes, authenticated_static: bytes, now: int, policy: dict,
               credential: bytes | None = None) -> str:
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
    if now > body["expires"]:
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

# %% mutant trust-policy in channel.ipynb: verifies the credential with the authority key written inside it
def check_peer(attestation: bytes, authenticated_static: bytes, now: int, policy: dict,
               credential: bytes | None = None) -> str:
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
        cred = verified(credential, bytes.fromhex(json.loads(credential)["body"]["authority_key"]))
        name, value = policy["attribute"]
        if cred["subject"] != identifier:
            raise ValueError("the credential is about someone else")
        if not now < cred["expires"]:
            raise ValueError("the credential has expired")
        if cred["attributes"].get(name) != value:
            raise ValueError(f"the credential does not say {name} = {value!r}")
        return identifier
    raise ValueError(f"unknown trust policy {trust!r}")

# %% mutant trust-policy in channel.ipynb: a pinned policy accepts everyone
def check_peer(attestation: bytes, authenticated_static: bytes, now: int, policy: dict,
               credential: bytes | None = None) -> str:
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

# %% mutant trust-policy in channel.ipynb: trusts the identifier written in the attestation without deriving it
def check_peer(attestation: bytes, authenticated_static: bytes, now: int, policy: dict,
               credential: bytes | None = None) -> str:
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
class ChannelEnd:

    def __init__(self, cipher: str, send_key: bytes, receive_key: bytes) -> None:
        self.cipher, self.send_key, self.receive_key = cipher, send_key, receive_key
        self.sent = self.expected = 0
        self.closed = False

    def send(self, plaintext: bytes) -> bytes:
        if self.closed:
            raise ConnectionError("the channel is closed")
        message = seal(self.cipher, self.send_key, self.sent, plaintext)
        self.sent += 1
        return message

    def receive(self, message: bytes) -> bytes:
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
            raise
        self.expected += 1
        return plaintext

    def is_open(self) -> bool:
        return not self.closed

# %% mutant relay-channel in channel.ipynb: accepts any nonce, so replays and gaps go through
class ChannelEnd:

    def __init__(self, cipher: str, send_key: bytes, receive_key: bytes) -> None:
        self.cipher, self.send_key, self.receive_key = cipher, send_key, receive_key
        self.sent = self.expected = 0
        self.closed = False

    def send(self, plaintext: bytes) -> bytes:
        if self.closed:
            raise ConnectionError("the channel is closed")
        message = seal(self.cipher, self.send_key, self.sent, plaintext)
        self.sent += 1
        return message

    def receive(self, message: bytes) -> bytes:
        if self.closed:
            raise ConnectionError("the channel is closed")
        n = int.from_bytes(message[:8], "big")
        try:
            if len(message) < 24:
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

    def is_open(self) -> bool:
        return not self.closed

# %% mutant relay-channel in channel.ipynb: never advances the sending nonce (every message uses nonce 0)
class ChannelEnd:

    def __init__(self, cipher: str, send_key: bytes, receive_key: bytes) -> None:
        self.cipher, self.send_key, self.receive_key = cipher, send_key, receive_key
        self.sent = self.expected = 0
        self.closed = False

    def send(self, plaintext: bytes) -> bytes:
        if self.closed:
            raise ConnectionError("the channel is closed")
        message = seal(self.cipher, self.send_key, self.sent, plaintext)
        return message

    def receive(self, message: bytes) -> bytes:
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

    def is_open(self) -> bool:
        return not self.closed

# %% mutant relay-channel in channel.ipynb: encrypts with the receive key
class ChannelEnd:

    def __init__(self, cipher: str, send_key: bytes, receive_key: bytes) -> None:
        self.cipher, self.send_key, self.receive_key = cipher, send_key, receive_key
        self.sent = self.expected = 0
        self.closed = False

    def send(self, plaintext: bytes) -> bytes:
        if self.closed:
            raise ConnectionError("the channel is closed")
        message = seal(self.cipher, self.receive_key, self.sent, plaintext)
        self.sent += 1
        return message

    def receive(self, message: bytes) -> bytes:
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

    def is_open(self) -> bool:
        return not self.closed

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
