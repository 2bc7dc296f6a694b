"""``python -m course bench channels``: what a handshake and a transport message cost, as ratios.

It runs a Noise XX written in the learner's style (the answer cells of the assignment
``handshake.ipynb``: the instructor's solution when it is there, else the learner's own
``exercises/03-channels/handshake.ipynb``, or ``--notebook PATH``) against ``noiseprotocol`` and
against the raw ``cryptography`` primitives, all in one run, and prints:

- full XX handshakes per second (both sides in one process) and the ratio between the two
  implementations, with the share of a handshake spent in X25519;
- transport throughput in MB/s per message size for the learner-style CipherState, noiseprotocol
  and a bare AEAD call, and the ratios (Python overhead per message vs the cipher itself).

Rates are this machine's, in this run; only the ratios carry over to other machines.
"""

from __future__ import annotations

import argparse
import timeit
from pathlib import Path

import nbformat

from course.channels.keys import aead, dh, key_source, noise_nonce, public_key
from course.channels.peer import noise_peer

__all__ = ["load_answers", "main", "handshake_rates", "transport_rates"]


def _default_notebook() -> Path:
    from course.learner.paths import repo_root

    root = repo_root()
    for folder in ("solutions", "exercises"):
        path = root / folder / "03-channels" / "handshake.ipynb"
        if path.is_file():
            return path
    raise FileNotFoundError("no 03-channels/handshake.ipynb in solutions/ or exercises/")


def load_answers(path: Path) -> dict:
    """Execute the set-up and answer cells of an assignment notebook; return their namespace."""
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "course_channels_bench"}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade_id") == "setup"):
            exec(compile(cell.source, f"{path.name}:{meta.get('grade_id')}", "exec"), namespace)
    for name in ("CipherState", "XXHandshake"):
        if name not in namespace:
            raise ValueError(f"{path} defines no {name}; is it the 03-channels handshake notebook?")
    return namespace


def _best(func, number: int, repeat: int = 5) -> float:
    """Best time per call over ``repeat`` runs of ``number`` calls (the least disturbed)."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


def handshake_rates(answers: dict, cipher: str = "AESGCM", number: int = 20) -> dict[str, float]:
    """Seconds per complete XX handshake (both sides) for each implementation, and per X25519."""
    keys = key_source("bench")
    s1, s2, e1, e2 = keys(), keys(), keys(), keys()
    xx = answers["XXHandshake"]

    def learner() -> None:
        i, r = xx(True, cipher, s1, e1, b""), xx(False, cipher, s2, e2, b"")
        r.read_message(i.write_message(b""))
        i.read_message(r.write_message(b""))
        r.read_message(i.write_message(b""))

    def library() -> None:
        i = noise_peer("XX", cipher, True, static=s1, ephemeral=e1)
        r = noise_peer("XX", cipher, False, static=s2, ephemeral=e2)
        r.read_message(bytes(i.write_message(b"")))
        i.read_message(bytes(r.write_message(b"")))
        r.read_message(bytes(i.write_message(b"")))

    peer = public_key(s2)
    return {
        "learner": _best(learner, number),
        "noiseprotocol": _best(library, number),
        "x25519": _best(lambda: dh(s1, peer), number * 10),
        "public_key": _best(lambda: public_key(e1), number * 10),
    }


def transport_rates(
    answers: dict, size: int, cipher: str = "AESGCM", number: int = 200
) -> dict[str, float]:
    """Seconds per transport message of ``size`` bytes: learner CipherState, noiseprotocol, AEAD."""
    key = key_source("bench-transport")()
    payload = bytes(size)
    mine = answers["CipherState"](cipher, key)
    i = noise_peer("NN", cipher, True)
    r = noise_peer("NN", cipher, False)
    r.read_message(bytes(i.write_message(b"")))
    i.read_message(bytes(r.write_message(b"")))
    raw = aead(cipher, key)
    nonce = noise_nonce(cipher, 7)
    return {
        "learner": _best(lambda: mine.encrypt_with_ad(b"", payload), number),
        "noiseprotocol": _best(lambda: i.encrypt(payload), number),
        "raw AEAD": _best(lambda: raw.encrypt(nonce, payload, b""), number),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the channel benchmarks; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m course bench channels", description=__doc__)
    parser.add_argument("--notebook", type=Path, help="assignment notebook with the answers")
    parser.add_argument("--cipher", choices=("AESGCM", "ChaChaPoly"), default="AESGCM")
    args = parser.parse_args(argv)
    path = args.notebook or _default_notebook()
    answers = load_answers(path)
    print(f"learner-style implementation: answer cells of {path}")
    print(f"cipher: {args.cipher}; rates are this machine's in this run, ratios carry over\n")

    hs = handshake_rates(answers, args.cipher)
    print("XX handshake (both sides, 3 messages)")
    for name in ("learner", "noiseprotocol"):
        print(f"  {name:<14} {1 / hs[name]:8.0f} handshakes/s")
    print(f"  learner / noiseprotocol time: {hs['learner'] / hs['noiseprotocol']:.2f}x")
    # Per handshake: 3 DH on each side (ee, es, se) and 2 public keys per side (e, s).
    dh_share = (6 * hs["x25519"] + 4 * hs["public_key"]) / hs["learner"]
    print(f"  X25519 (6 DH + 4 public keys) is {dh_share:.0%} of the learner's handshake time\n")

    print("transport: encrypt one message")
    print(f"  {'size':>7} {'learner':>10} {'noiseprot.':>10} {'raw AEAD':>10}   learner/raw")
    for size in (64, 1024, 16 * 1024, 65_000):
        t = transport_rates(answers, size, args.cipher)
        rates = [size / t[k] / 1e6 for k in ("learner", "noiseprotocol", "raw AEAD")]
        print(
            f"  {size:>7} {rates[0]:>8.0f}MB/s {rates[1]:>6.0f}MB/s {rates[2]:>6.0f}MB/s"
            f"   {t['learner'] / t['raw AEAD']:.1f}x"
        )
    print(
        "\nSmall messages are dominated by Python overhead per call (making the AEAD object, the"
        "\nnonce bytes); large ones by the cipher itself, where all three converge."
    )
    return 0
