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
# # Noise XX, step by step
#
# **Time:** 45 minutes. **Prerequisites:** `02-key-exchange`.
#
# **After this notebook you can** read the XX pattern token by token, say what each message proves
# and to whom, explain forward secrecy and key-compromise impersonation, and test both claims on
# a recorded handshake.
#
# ## The story
#
# Ockam's secure channel runs the Noise XX handshake: both sides have long-term **static** keys
# and exchange them during the handshake, encrypted. (Ockam's documentation and source name the
# suite: `Noise_XX_25519_AESGCM_SHA256`.) The webinar does not go into the protocol; this
# notebook does, using `noiseprotocol`, an independent Python implementation, as both parties. In
# assignment 3a you write XX yourself and check it against this same implementation and against
# published test vectors.

# %%
from course.channels import dh, key_source, noise_peer, public_key
from course.learner.plotting import PALETTE, figure, show

keys = key_source("lecture-3")
alice_static, bob_static = keys(), keys()

# %% [markdown]
# ## The pattern
#
# ```
# -> e
# <- e, ee, s, es
# -> s, se
# ```
#
# Read each token from the **writer's** side, in order:
#
# | token | what happens | what it gives |
# |---|---|---|
# | `e` | send a fresh ephemeral public key in clear; both hash it | a fresh key per session |
# | `ee` | `mix_key(DH(initiator e, responder e))` | a first shared key: what follows is encrypted |
# | `s` | send the static public key, **encrypted** (32 + 16 bytes) | identities hidden from passive observers |
# | `es` | `mix_key(DH(initiator e, responder s))` | only the holder of the responder's static private key can compute it |
# | `se` | `mix_key(DH(initiator s, responder e))` | only the holder of the initiator's static private key can compute it |
#
# Every payload after a `mix_key` is encrypted under the newest key with the transcript hash as
# associated data. So the payload of message 2 can only be decrypted by an initiator talking to
# the holder of the static key it received (`es`), and the payload of message 3 proves the
# initiator's static key to the responder (`se`).

# %%
fig, ax = figure(figsize=(8, 4))
ax.set_xlim(0, 10)
ax.set_ylim(0, 4)
ax.axis("off")
for x, name in ((1, "initiator (Alice)"), (9, "responder (Bob)")):
    ax.plot([x, x], [0.2, 3.6], color=PALETTE["black"], lw=1)
    ax.text(x, 3.75, name, ha="center")
steps = [
    (3.1, 1, 9, "e", "32 bytes + payload (in clear)"),
    (2.1, 9, 1, "e, ee, s, es", "32 + 48 + payload + 16 bytes"),
    (1.1, 1, 9, "s, se", "48 + payload + 16 bytes"),
]
for y, x0, x1, tokens, size in steps:
    ax.annotate("", xy=(x1, y - 0.4), xytext=(x0, y),
                arrowprops={"arrowstyle": "->", "color": PALETTE["blue"], "lw": 2})
    ax.text(5, y - 0.05, tokens, ha="center", fontsize=13, color=PALETTE["vermillion"])
    ax.text(5, y - 0.55, size, ha="center", fontsize=10)
show(fig, alt="Sequence diagram of Noise XX: Alice sends e; Bob replies e, ee, s, es; Alice "
     "sends s, se. Message sizes: 32 bytes plus payload, then 32 + 48 + payload + 16, then "
     "48 + payload + 16.")

# %% [markdown]
# ## A recorded handshake
#
# We run one handshake and keep every byte that crossed the network, as an eavesdropper would.
# The ephemeral keys come from `key_source` so that the recording is the same on every run: this
# is also the weakness we exploit below.

# %%
alice_ephemeral, bob_ephemeral = keys(), keys()


def run_xx(record: list):
    """One XX handshake between Alice and Bob, then two transport messages, all recorded."""
    alice = noise_peer("XX", "AESGCM", True, static=alice_static, ephemeral=alice_ephemeral)
    bob = noise_peer("XX", "AESGCM", False, static=bob_static, ephemeral=bob_ephemeral)
    for writer, reader, payload in ((alice, bob, b""), (bob, alice, b"hi, Bob here"),
                                    (alice, bob, b"hi, Alice here")):
        message = bytes(writer.write_message(payload))
        record.append(message)
        reader.read_message(message)
    record.append(alice.encrypt(b"the quarterly numbers: 42"))
    record.append(bob.encrypt(b"thanks"))
    return alice, bob


recording: list[bytes] = []
alice, bob = run_xx(recording)
print("message sizes:", [len(m) for m in recording])
print("Bob's static key is in message 2 in clear?", public_key(bob_static) in recording[1])
print("same handshake hash on both sides:", alice.get_handshake_hash() == bob.get_handshake_hash())

# %% [markdown]
# ## Forward secrecy
#
# Months later, an attacker steals **both static private keys**. Can they read the recording?
#
# ### Predict, then run
#
# The attacker plays Alice with her real static key and replays Bob's recorded message 2. What
# happens?
#
# <details>
# <summary>Answer</summary>
#
# The read fails. Message 2 is encrypted under a key that depends on `ee = DH(Alice's e, Bob's
# e)`, and both ephemeral private keys were thrown away after the handshake. Stealing static keys
# lets the attacker impersonate their owners *from now on*; it does not decrypt the past. That is
# **forward secrecy**.
#
# </details>

# %%
attacker = noise_peer("XX", "AESGCM", True, static=alice_static, ephemeral=keys())
attacker.write_message(b"")
try:
    attacker.read_message(recording[1])
    print("the attacker read message 2")
except Exception as exc:  # noiseprotocol lets cryptography's InvalidTag through
    print("stolen static keys, old session:", type(exc).__name__)

# %% [markdown]
# Forward secrecy rests entirely on the ephemeral keys being unpredictable and destroyed. Our
# `key_source` is a seeded generator, fine for a reproducible lecture and fatal in production:
# whoever knows the seed knows every ephemeral key. Then the whole session replays:

# %%
replay = noise_peer("XX", "AESGCM", True, static=alice_static, ephemeral=alice_ephemeral)
replay.write_message(b"")
print("message 2 payload:", bytes(replay.read_message(recording[1])))
print("message 3 identical:", bytes(replay.write_message(b"hi, Alice here")) == recording[2])
print("transport:", bytes(replay.decrypt(recording[4])), "(Bob to Alice)")

# %% [markdown]
# ## Key-compromise impersonation
#
# A subtler question: if **Alice's** static key leaks, can the attacker impersonate *Bob* to
# Alice? In some protocols yes (**key-compromise impersonation**, KCI): if the only proof of
# Bob's identity is a static-static DH, `DH(Alice s, Bob s)`, then Alice's private key computes it
# too. In XX, Bob is proved by `es = DH(Alice e, Bob s)`: it needs Alice's *ephemeral* private key
# or Bob's static private key.
#
# An attacker can compute `DH(x, Y)` when it holds the private key of either side. The table
# below checks, for each leak, which DH values an attacker posing as Bob (with its own ephemeral
# key, which it always knows) can compute in a live session with Alice.

# %%
TOKENS = {"ee": ("alice e", "bob e"), "es": ("alice e", "bob s"), "se": ("alice s", "bob e"),
          "ss (not in XX)": ("alice s", "bob s")}
print(f"{'leaked':<22}" + "".join(f"{t:>16}" for t in TOKENS))
for leaked in ((), ("alice s",), ("bob s",), ("alice s", "bob s")):
    known = {"bob e", *leaked}  # posing as Bob, the attacker makes "Bob's" ephemeral itself
    row = ["yes" if set(pair) & known else "no" for pair in TOKENS.values()]
    print(f"{', '.join(leaked) or 'nothing':<22}" + "".join(f"{r:>16}" for r in row))

# %% [markdown]
# With only Alice's static key, the attacker cannot compute `es`, so it cannot produce a message 2
# that Alice accepts as Bob's: XX resists KCI. A protocol proving Bob by `ss` alone would not. (With
# Bob's own static key leaked the attacker is Bob, as far as any protocol can tell: that is what
# revocation, and Ockam's key rotation, are for.)
#
# Let us check the claim numerically: the attacker below computes every DH it *can* with Alice's
# static key, and still lacks `es`.

# %%
mallory_e = keys()
alice_e_pub = public_key(alice_ephemeral)
can_compute = {
    "ee": dh(mallory_e, alice_e_pub),
    "se": dh(mallory_e, public_key(alice_static)),  # = DH(alice s, "bob" e): Alice computes it too
}
truth_es = dh(alice_ephemeral, public_key(bob_static))
print("attacker's ee matches Alice's:", can_compute["ee"] == dh(alice_ephemeral, public_key(mallory_e)))
print("any attacker value equals the es Alice expects:", truth_es in can_compute.values())

# %% [markdown]
# ## Recap
#
# - XX: `e` / `e, ee, s, es` / `s, se`. Static keys travel encrypted; `es` proves the responder,
#   `se` the initiator; every payload after a `mix_key` is bound to the whole transcript.
# - **Forward secrecy**: stolen static keys do not decrypt recorded sessions, because the session
#   keys depend on ephemeral keys that no longer exist, provided they were random.
# - **KCI resistance**: a stolen static key lets an attacker pose as its owner, not as others to
#   its owner, because the other side is proved with an ephemeral-static DH.
# - XX proves *which static key* the peer holds, not *who* that is. Binding keys to identities is
#   the next notebook.
#
# ## Self-check
#
# 1. Why is message 1 of XX unauthenticated, and why is that acceptable?
# 2. What does a passive observer of an XX handshake learn about who is talking?
#
# <details>
# <summary>Answers</summary>
#
# 1. The initiator has nothing to prove with yet (no shared key); message 1 carries only a fresh
#    ephemeral key, and anything an attacker changes there makes the later messages fail. Its
#    payload is not encrypted, so it must not carry secrets.
# 2. No static keys: both are encrypted (the responder's under `ee`, the initiator's under `es`).
#    It learns the ephemeral keys, the sizes and the timing.
#
# </details>
#
# Next: `04-secure-channel`, from handshake to an Ockam-style channel.
