"""Module 3 support code: X25519 on bytes, seeded keys, vectors, the noiseprotocol peer, oracles."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from course.authoring.mutants import merge_into
from course.channels import dh, key_source, load_vectors, noise_peer, public_key
from course.channels.oracle import oracle_cipher_state, oracle_symmetric_state
from course.channels.vectors import decode_vectors
from course.grading.hidden import hidden_path
from course.learner.paths import repo_root


def test_dh_is_symmetric_and_checks_lengths():
    keys = key_source(7)
    a, b = keys(), keys()
    assert dh(a, public_key(b)) == dh(b, public_key(a))
    assert len(public_key(a)) == 32
    with pytest.raises(ValueError, match="32 bytes"):
        dh(a, b"short")
    with pytest.raises(ValueError, match="32 bytes"):
        public_key("not bytes")  # type: ignore[arg-type]


def test_key_source_is_reproducible_per_seed():
    one, two, other = key_source("s"), key_source("s"), key_source("t")
    first = [one() for _ in range(3)]
    assert first == [two() for _ in range(3)]
    assert len(set(first)) == 3
    assert other() not in first
    with pytest.raises(ValueError):
        key_source(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("cipher", ["AESGCM", "ChaChaPoly"])
def test_public_vectors_replay_on_noiseprotocol(cipher):
    """The shipped vectors agree with the independent peer: each handshake message it writes
    with the vector's keys is the vector's ciphertext."""
    (v,) = load_vectors(cipher)
    init = noise_peer("XX", cipher, True, v["init_static"], v["init_ephemeral"], v["prologue"])
    resp = noise_peer("XX", cipher, False, v["resp_static"], v["resp_ephemeral"], v["prologue"])
    for k, (payload, ciphertext) in enumerate(v["messages"]):
        writer, reader = (init, resp) if k % 2 == 0 else (resp, init)
        if k < 3:
            assert bytes(writer.write_message(payload)) == ciphertext
            assert bytes(reader.read_message(ciphertext)) == payload
        else:
            assert writer.encrypt(payload) == ciphertext
            assert bytes(reader.decrypt(ciphertext)) == payload
    assert bytes(init.get_handshake_hash()) == v["handshake_hash"]


def test_hidden_vectors_are_distinct_from_the_public_ones():
    data = json.loads(hidden_path("03-channels", "xx-vectors.json").read_text())
    for cipher in ("AESGCM", "ChaChaPoly"):
        public = {v["init_ephemeral"] + v["prologue"] for v in load_vectors(cipher)}
        hidden = decode_vectors(data["vectors"][cipher])
        assert len(hidden) == 2
        assert not public & {v["init_ephemeral"] + v["prologue"] for v in hidden}


def test_peer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="pattern"):
        noise_peer("IK", "AESGCM", True)
    with pytest.raises(ValueError, match="cipher"):
        noise_peer("NN", "AES", True)
    with pytest.raises(ValueError, match="static"):
        noise_peer("XX", "AESGCM", True)
    with pytest.raises(ValueError, match="cipher"):
        load_vectors("aes")


def test_oracles_follow_the_spec():
    cs = oracle_cipher_state("AESGCM", bytes(32))
    assert cs.encrypt_with_ad(b"", b"hi").hex().startswith("a6ce")
    assert cs.n == 1
    ss = oracle_symmetric_state(b"Noise_XXpsk3_25519_ChaChaPoly_SHA256")
    ss.mix_key(b"k" * 32)
    ck = bytes(ss.ck)
    okm = HKDF(hashes.SHA256(), 64, salt=ck, info=b"").derive(b"")
    assert len(okm) == 64


def test_merge_into_swaps_a_whole_class():
    solution = "class A:\n    x = 1\n\n\ndef f():\n    return A.x\n"
    merged = merge_into(solution, "class A:\n    x = 2\n")
    namespace: dict = {}
    exec(merged, namespace)
    assert namespace["f"]() == 2
    assert merged.count("class A") == 1


def test_vectors_ship_with_provenance():
    for name in ("channels-xx-aesgcm.json", "channels-xx-chachapoly.json"):
        raw = json.loads((repo_root() / "course" / "data" / name).read_text())
        assert all("Public domain" in v["source"] for v in raw["vectors"])


def test_peer_remote_static_survives_the_end_of_the_handshake():
    from course.channels import peer_remote_static

    keys = key_source("rs")
    a_static, b_static = keys(), keys()
    a = noise_peer("XX", "ChaChaPoly", True, static=a_static)
    b = noise_peer("XX", "ChaChaPoly", False, static=b_static)
    assert peer_remote_static(a) is None
    b.read_message(a.write_message(b""))
    a.read_message(b.write_message(b""))
    b.read_message(a.write_message(b""))
    assert peer_remote_static(a) == public_key(b_static)
    assert peer_remote_static(b) == public_key(a_static)
    with pytest.raises(ValueError):
        peer_remote_static(object())


def test_bench_runs_the_answer_cells_against_the_library():
    from course.channels import bench

    answers = bench.load_answers(repo_root() / "solutions" / "03-channels" / "handshake.ipynb")
    rates = bench.handshake_rates(answers, "ChaChaPoly", number=1)
    assert set(rates) == {"learner", "noiseprotocol", "x25519", "public_key"}
    assert all(t > 0 for t in rates.values())
    transport = bench.transport_rates(answers, 1024, number=2)
    assert transport["raw AEAD"] > 0
    with pytest.raises(ValueError, match="CipherState"):
        bench.load_answers(repo_root() / "solutions" / "03-channels" / "channel.ipynb")
