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
# # From handshake to channel, Ockam style
#
# **Time:** 50 minutes. **Prerequisites:** `03-noise-xx`.
#
# **After this notebook you can** bind a Noise static key to an identity with a signed
# attestation, state a trust policy and show what "trust everyone" lets through, carry transport
# messages with explicit nonces through a replay window, rekey, and route a channel through a
# relay that never sees plaintext.
#
# ## The story
#
# The webinar describes Ockam as a tool that "provides end-to-end encryption for all data in
# motion", run "in each application to create a secure communication channel between all their
# connected applications". End to end means: whatever forwards the bytes (a relay, a proxy, a
# cloud service) sees only ciphertext. Ockam's Rust implementation, as its documentation and
# source describe it (details collected in the course's field notes, 2026):
#
# - the handshake is Noise XX with X25519, AES-256-GCM and SHA-256;
# - an **identity** (an Ed25519 or P-256 key history, named by an identifier derived from it)
#   signs an **attestation** that binds the X25519 static key; the channel checks that this key is
#   the one Noise authenticated, then applies a **trust policy** to the identifier;
# - each transport message starts with an explicit 8-byte big-endian nonce, associated data is
#   empty, a 32-wide **replay window** is updated only after a message authenticates, and the key
#   is **rekeyed** every 32 messages with Noise's REKEY.
#
# This notebook builds a small version of each. The identity format here is the course's own
# (simpler than Ockam's), with the same structure.

# %%
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course.channels import (
    aead,
    key_source,
    noise_nonce,
    noise_peer,
    noise_rekey,
    peer_remote_static,
    public_key,
)
from course.learner.plotting import PALETTE, figure, show

keys = key_source("lecture-4")
NOW = 1_790_000_000  # the clock is injected: a fixed "now" (seconds since 1970)

# %% [markdown]
# ## Identities separate from Noise keys
#
# A Noise static key is a bare X25519 key. It cannot sign, and replacing it (say, every month)
# should not change who you are. So the identity is a separate **signing key**; its
# **identifier** is derived from its public key; and it signs an attestation "my current Noise
# static key is K, until time T". Here the identifier is `"I"` and the hex of the first 20 bytes
# of SHA-256 of the Ed25519 public key.

# %%
import hashlib


class Identity:
    """A signing key, its identifier, and attestations for Noise static keys."""

    def __init__(self, seed: bytes) -> None:
        self.key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public = self.key.public_key().public_bytes_raw()
        self.identifier = "I" + hashlib.sha256(self.public).digest()[:20].hex()

    def attest(self, static_public: bytes, expires: int) -> bytes:
        body = {"identifier": self.identifier, "identity_key": self.public.hex(),
                "noise_static": static_public.hex(), "expires": expires}
        data = json.dumps(body, sort_keys=True).encode()
        return json.dumps({"body": body, "signature": self.key.sign(data).hex()}).encode()


def verify_attestation(attestation: bytes, authenticated_static: bytes, now: int) -> str:
    """The identifier of a valid attestation for ``authenticated_static``; ValueError otherwise."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    doc = json.loads(attestation)
    body = doc["body"]
    key_bytes = bytes.fromhex(body["identity_key"])
    if body["identifier"] != "I" + hashlib.sha256(key_bytes).digest()[:20].hex():
        raise ValueError("the identifier is not derived from the identity key")
    try:
        data = json.dumps(body, sort_keys=True).encode()
        Ed25519PublicKey.from_public_bytes(key_bytes).verify(bytes.fromhex(doc["signature"]), data)
    except InvalidSignature:
        raise ValueError("bad signature") from None
    if now >= body["expires"]:
        raise ValueError("the attestation has expired")
    if bytes.fromhex(body["noise_static"]) != authenticated_static:
        raise ValueError("the attestation is for another static key than the one Noise authenticated")
    return body["identifier"]


alice_id, bob_id, mallory_id = Identity(keys()), Identity(keys()), Identity(keys())
alice_static, bob_static, mallory_static = keys(), keys(), keys()
print("Bob's identifier:", bob_id.identifier)

# %% [markdown]
# ## The handshake carries the attestations
#
# XX has two encrypted payloads that come right after a proof of a static key: message 2's (after
# `es`, the responder's) and message 3's (after `se`, the initiator's). Each side puts its
# attestation there. When the handshake ends, each checks the other's attestation against the
# static key Noise authenticated, then asks its **trust policy** whether that identifier may
# talk to it.

# %%
def trust_everyone(identifier: str) -> bool:
    return True


def pinned(*allowed: str):
    return lambda identifier: identifier in allowed


def connect(initiator, responder, alice_policy, bob_policy):
    """XX between two (identity, static, attestation) triples; returns what each side accepted."""
    (_, i_static, i_att), (_, r_static, r_att) = initiator, responder
    i = noise_peer("XX", "AESGCM", True, static=i_static, ephemeral=keys())
    r = noise_peer("XX", "AESGCM", False, static=r_static, ephemeral=keys())
    r.read_message(i.write_message(b""))
    r_attestation = bytes(i.read_message(r.write_message(r_att)))
    i_attestation = bytes(r.read_message(i.write_message(i_att)))
    results = {}
    for side, att, conn, policy in (("initiator", r_attestation, i, alice_policy),
                                    ("responder", i_attestation, r, bob_policy)):
        try:
            identifier = verify_attestation(att, peer_remote_static(conn), NOW)
            results[side] = identifier if policy(identifier) else f"refused {identifier[:9]}..."
        except ValueError as exc:
            results[side] = f"rejected: {exc}"
    return results


alice = (alice_id, alice_static, alice_id.attest(public_key(alice_static), NOW + 3600))
bob = (bob_id, bob_static, bob_id.attest(public_key(bob_static), NOW + 3600))
print(connect(alice, bob, pinned(bob_id.identifier), pinned(alice_id.identifier)))

# %% [markdown]
# ### Predict, then run
#
# Mallory sits between Alice and Bob, as in the NN attack of `02-key-exchange`. She has her own
# identity and static key, and has also recorded Bob's attestation. Which of these does Alice
# accept?
#
# 1. Mallory with her own attestation, Alice trusting everyone;
# 2. the same, Alice trusting only Bob's identifier;
# 3. Mallory presenting Bob's attestation (for Bob's static key) with her own static key.
#
# <details>
# <summary>Answer</summary>
#
# Only the first. "Trust everyone" accepts any valid identity, including Mallory's, so the man in
# the middle is back. The pinned identifier refuses Mallory's. And Bob's attestation names Bob's
# static key, which Mallory cannot use in XX without Bob's private key (`es` proves it), so the
# binding check rejects it.
#
# </details>

# %%
mallory_own = (mallory_id, mallory_static, mallory_id.attest(public_key(mallory_static), NOW + 3600))
mallory_with_bobs = (mallory_id, mallory_static, bob[2])
print("1:", connect(alice, mallory_own, trust_everyone, trust_everyone)["initiator"])
print("2:", connect(alice, mallory_own, pinned(bob_id.identifier), trust_everyone)["initiator"])
print("3:", connect(alice, mallory_with_bobs, trust_everyone, trust_everyone)["initiator"])
expired = (bob_id, bob_static, bob_id.attest(public_key(bob_static), NOW - 1))
print("expired:", connect(alice, expired, pinned(bob_id.identifier), trust_everyone)["initiator"])

# %% [markdown]
# ## Transport: explicit nonces and a replay window
#
# Noise's transport expects nonces 0, 1, 2, ... in order, which suits a reliable stream. Ockam's
# messages may cross several hops and transports and arrive out of order, so each carries its
# nonce in clear (8 bytes, big-endian) and the receiver keeps a **window** of recently accepted nonces: a nonce
# is accepted once, and only if it is within 32 of the highest accepted. Crucially, the window
# moves only **after** the message authenticates; otherwise one forged packet claiming nonce
# 1,000,000 would push the window past every genuine message. Assignment 3b has you build it.
#
# Below, a seeded "network" delays and duplicates messages; the plot shows what the rule
# decides for each arrival (with a window of 8, to make the picture readable).

# %%
import numpy as np

rng = np.random.default_rng(4)
sent = list(range(40))
arrivals = []
for n in sent:
    delay = float(rng.exponential(4.0)) if rng.random() < 0.35 else 0.0
    arrivals.append((n + delay, n))
    if rng.random() < 0.12:  # a duplicate, later
        arrivals.append((n + 4 + float(rng.exponential(6.0)), n))
arrivals.sort()

WINDOW, accepted, highest, decisions = 8, set(), None, []
for _, n in arrivals:
    if n in accepted:
        decisions.append("replay")
    elif highest is not None and n <= highest - WINDOW:
        decisions.append("too old")
    else:
        decisions.append("accepted")
        accepted.add(n)
        highest = n if highest is None else max(highest, n)

fig, ax = figure(figsize=(9, 4))
colours = {"accepted": PALETTE["green"], "replay": PALETTE["vermillion"], "too old": PALETTE["orange"]}
for label, colour in colours.items():
    xs = [i for i, d in enumerate(decisions) if d == label]
    ax.scatter(xs, [arrivals[i][1] for i in xs], color=colour, label=label, s=28)
ax.set_xlabel("arrival order")
ax.set_ylabel("nonce")
ax.legend()
show(fig, alt="Scatter of nonce against arrival order: most messages are accepted, including "
     "late ones within the window; duplicates are rejected as replays and very late messages "
     "as too old.")
print({label: decisions.count(label) for label in colours})

# %% [markdown]
# ## Rekey
#
# Every 32 messages both sides replace the key with `REKEY(k)`: the first 32 bytes of the
# encryption of 32 zero bytes under `k` with the reserved nonce `2**64 - 1`. It is one-way: from
# the new key there is no way back to the old one, so a key stolen later does not decrypt earlier
# traffic (assignment 3b shows it). Both sides rekey at the same message number, so no message is
# needed to agree on it.

# %%
k0 = keys()
k1 = noise_rekey("AESGCM", k0)
print("k0:", k0.hex()[:16], "... k1:", k1.hex()[:16], "... k2:", noise_rekey("AESGCM", k1).hex()[:16], "...")

# %% [markdown]
# ## Across a relay
#
# End to end means the channel runs *through* whatever forwards it. Below, Alice's and Bob's
# channel crosses a relay (think of a cloud rendezvous service) that forwards bytes and keeps a
# log. The relay sees the handshake and transport messages, never a key.

# %%
class Relay:
    """Forwards bytes between two routes, keeps a log, and may be told to tamper."""

    def __init__(self) -> None:
        self.log: list[bytes] = []
        self.tamper_next = False

    def forward(self, data: bytes) -> bytes:
        self.log.append(data)
        if self.tamper_next:
            self.tamper_next = False
            data = data[:-1] + bytes([data[-1] ^ 1])
        return data


class Endpoint:
    """One side of an explicit-nonce channel (no window here, for brevity); closes on a bad message."""

    def __init__(self, send_key: bytes, receive_key: bytes) -> None:
        self.send_key, self.receive_key, self.n, self.open = send_key, receive_key, 0, True

    def seal(self, plaintext: bytes) -> bytes:
        nonce, self.n = self.n, self.n + 1
        return nonce.to_bytes(8, "big") + aead("AESGCM", self.send_key).encrypt(
            noise_nonce("AESGCM", nonce), plaintext, b"")

    def receive(self, message: bytes) -> bytes | None:
        if not self.open:
            raise ConnectionError("channel closed")
        n = int.from_bytes(message[:8], "big")
        try:
            return aead("AESGCM", self.receive_key).decrypt(noise_nonce("AESGCM", n), message[8:], b"")
        except Exception:
            self.open = False  # a tampered message ends the channel
            return None


relay = Relay()
a = noise_peer("XX", "AESGCM", True, static=alice_static, ephemeral=keys())
b = noise_peer("XX", "AESGCM", False, static=bob_static, ephemeral=keys())
b.read_message(relay.forward(bytes(a.write_message(b""))))
a.read_message(relay.forward(bytes(b.write_message(bob[2]))))
b.read_message(relay.forward(bytes(a.write_message(alice[2]))))
# The transport keys: noiseprotocol's split, read from its cipher states.
a_send, a_recv = a.noise_protocol.cipher_state_encrypt.k, a.noise_protocol.cipher_state_decrypt.k
alice_end, bob_end = Endpoint(a_send, a_recv), Endpoint(a_recv, a_send)

secrets = [b"invoice 1: 1200 EUR", b"invoice 2: 80 EUR", b"card ending 4242"]
for text in secrets[:2]:
    print("Bob receives:", bob_end.receive(relay.forward(alice_end.seal(text))))
relay.tamper_next = True
print("after tampering:", bob_end.receive(relay.forward(alice_end.seal(secrets[2]))), "| open:", bob_end.open)
leaked = [s for s in secrets + [b"invoice", b"EUR"] if any(s in entry for entry in relay.log)]
print(f"relay log: {len(relay.log)} messages, {sum(map(len, relay.log))} bytes, plaintext found: {leaked}")

# %% [markdown]
# ## Recap
#
# - Keep identities (signing keys, stable identifiers) separate from Noise keys; bind them with a
#   signed, expiring attestation, and check it names the static key Noise authenticated.
# - A trust policy decides who may connect; "trust everyone" makes an authenticated handshake
#   accept any man in the middle that has an identity of its own.
# - Explicit nonces and a replay window let messages arrive out of order; the window moves only
#   after authentication.
# - Rekeying every N messages with the one-way REKEY limits what a stolen key reveals.
# - End-to-end: relays forward ciphertext; tampering is detected at the endpoint, which closes
#   the channel.
#
# ## Self-check
#
# 1. Why must the attestation check compare against the static key *Noise authenticated*, rather
#    than just verify the signature?
# 2. Why close the whole channel on one bad message instead of dropping it?
#
# <details>
# <summary>Answers</summary>
#
# 1. Attestations are public: anyone can replay Bob's. Only the comparison with the key proved in
#    the handshake (by `es` or `se`) shows that the peer holds the private key the attestation
#    names.
# 2. It is a policy choice. Dropping a message that fails (and leaving the window untouched)
#    survives corruption on a lossy network; closing is the stricter choice when every hop is
#    already reliable, since a bad tag then means an active attacker. Neither may move the window.
#
# </details>
#
# This is the end of the lectures of module 3; the assignments `handshake` and `channel` in
# `exercises/03-channels/` build the pieces yourself.
