"""The bubblewrap sandbox: what a submission's process can see, reach and use, and that it ends.

Each test starts a small Python program in the sandbox (no kernel, no notebook) and checks from
outside what it could do. Skipped with the reason where bubblewrap cannot run (not Linux, bwrap
missing, user namespaces forbidden); ``.ci/run`` installs bubblewrap so CI runs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from course.grading.limits import Limits
from course.grading.sandbox import (
    FALLBACK_WARNING,
    BwrapLauncher,
    UnsandboxedLauncher,
    default_launcher,
    describe_exit,
    sandbox_problem,
    stderr_text,
)
from tests.conftest import ROOT

PROBLEM = sandbox_problem()
needs_bwrap = pytest.mark.skipif(PROBLEM is not None, reason=f"no sandbox here: {PROBLEM}")
#: What of the repository root a sandbox sees: the course package, and the virtual environment
#: (read-only) when it lives inside the repository, as `make` puts it.
_VENV = Path(sys.prefix).resolve()
EXPECTED_ROOT = sorted(
    ["course"]
    + ([_VENV.relative_to(ROOT.resolve()).parts[0]] if _VENV.is_relative_to(ROOT.resolve()) else [])
)

FAST = Limits(cell_seconds=20, total_seconds=60, memory_bytes=1 << 30, cpu_seconds=20)


def run(
    code: str,
    workdir: Path,
    limits: Limits = FAST,
    launcher=None,
    timeout: float = 60,
) -> tuple[dict | None, subprocess.Popen]:
    """Run ``code`` in the sandbox; it reports by printing one JSON line last."""
    launcher = launcher or BwrapLauncher()
    proc = launcher.start(
        [sys.executable, "-c", textwrap.dedent(code)], workdir, limits, capture_stdout=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        out = b""
    finally:
        launcher.stop(proc)
    lines = out.decode().strip().splitlines()
    return (json.loads(lines[-1]) if lines else None), proc


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "data.csv").write_text("a,b\n1,2\n")
    return folder


def test_default_launcher_says_which():
    launcher = default_launcher()
    if PROBLEM is None:
        assert launcher.name == "bwrap"
    else:
        assert launcher.name == "none"
        assert PROBLEM in launcher.warning


def test_fallback_warning_names_the_risks():
    text = UnsandboxedLauncher("bwrap missing").warning
    assert "bwrap missing" in text
    for risk in ("solutions/", "gradebook.db", "network", "fork bomb"):
        assert risk in text


@needs_bwrap
def test_only_its_own_files_are_visible(workdir: Path, tmp_path: Path):
    other = tmp_path / "bob"
    other.mkdir()
    (other / "secret.ipynb").write_text("{}")
    probe = {
        "solutions": str(ROOT / "solutions"),
        "config": str(ROOT / "nbgrader_config.py"),
        "gradebook": str(ROOT / "gradebook.db"),
        "tests": str(ROOT / "tests"),
        "other": str(other / "secret.ipynb"),
    }
    home = os.path.expanduser("~")
    report, proc = run(
        f"""
        import json, os, pathlib, sys
        probe = {probe!r}
        seen = {{k: os.path.exists(v) for k, v in probe.items()}}
        root_listing = sorted(os.listdir({str(ROOT)!r}))
        home = os.listdir({home!r}) if os.path.isdir({home!r}) else []
        import course, pyarrow
        print(json.dumps(dict(seen=seen, root=root_listing, home=home,
                              own=sorted(os.listdir('.')), cwd=os.getcwd(),
                              tmp=os.listdir('/tmp'), uid=os.getuid())))
        """,
        workdir,
    )
    assert report is not None, stderr_text(proc)
    assert not any(report["seen"].values()), report["seen"]
    # the repository shows only the course package (and the environment, when it lives there)
    assert report["root"] == EXPECTED_ROOT
    # the home folder shows at most the way to a bound Python installation (pyenv keeps one there)
    needed = {
        p.relative_to(home).parts[0]
        for p in map(Path, (sys.prefix, sys.base_prefix))
        if p.is_relative_to(home)
    }
    assert set(report["home"]) <= needed
    assert report["own"] == ["data.csv"]
    assert report["cwd"] == str(workdir)
    assert report["tmp"] == [] or workdir.is_relative_to("/tmp")
    assert report["uid"] != 0


@needs_bwrap
def test_no_network(workdir: Path):
    report, proc = run(
        """
        import json, socket
        results = {}
        for host in [("1.1.1.1", 53), ("127.0.0.1", 5432), ("pypi.org", 443)]:
            try:
                socket.create_connection(host, timeout=3).close()
                results[host[0]] = "connected"
            except OSError as exc:
                results[host[0]] = type(exc).__name__
        ifaces = [name for _, name in socket.if_nameindex()]
        print(json.dumps(dict(results=results, ifaces=ifaces)))
        """,
        workdir,
    )
    assert report is not None, stderr_text(proc)
    assert "connected" not in report["results"].values(), report
    assert report["ifaces"] == ["lo"]


@needs_bwrap
def test_environment_is_read_only_and_unprivileged(workdir: Path):
    report, proc = run(
        """
        import json, os, sys, course
        targets = [course.__file__, os.path.join(sys.prefix, "planted.py"),
                   os.path.join(os.path.dirname(course.__file__), "pyarrow.py"), "/usr/planted"]
        written = []
        for target in targets:
            try:
                with open(target, "a") as f:
                    f.write("# planted")
                written.append(target)
            except OSError:
                pass
        caps = [l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1]
        with open("mine.txt", "w") as f:
            f.write("own files are writable")
        print(json.dumps(dict(written=written, caps=caps, uid=os.getuid())))
        """,
        workdir,
    )
    assert report is not None, stderr_text(proc)
    assert report["written"] == []
    assert int(report["caps"], 16) == 0
    assert report["uid"] != 0
    assert (workdir / "mine.txt").read_text() == "own files are writable"


@needs_bwrap
def test_memory_bomb_fails_inside(workdir: Path):
    report, proc = run(
        """
        import json
        try:
            hog = bytearray(3 << 30)
            print(json.dumps("allocated"))
        except MemoryError:
            print(json.dumps("MemoryError"))
        """,
        workdir,
    )
    assert report == "MemoryError", stderr_text(proc)


@needs_bwrap
def test_huge_file_is_cut_off(workdir: Path):
    limits = Limits(file_bytes=1 << 20, memory_bytes=1 << 30, cpu_seconds=20)
    report, proc = run(
        """
        import json
        try:
            with open("huge.bin", "wb") as f:
                for _ in range(100):
                    f.write(b"x" * (1 << 20))
            print(json.dumps("written"))
        except OSError as exc:
            print(json.dumps(exc.strerror))
        """,
        workdir,
        limits,
    )
    assert report == "File too large", stderr_text(proc)
    assert (workdir / "huge.bin").stat().st_size <= 1 << 20


@needs_bwrap
def test_infinite_loop_hits_the_cpu_limit(workdir: Path):
    limits = Limits(cpu_seconds=1, memory_bytes=1 << 30)
    started = time.monotonic()
    report, proc = run("while True:\n    pass\n", workdir, limits, timeout=30)
    assert report is None
    assert time.monotonic() - started < 25
    assert describe_exit(proc.returncode) == "stopped: CPU time limit reached"


@needs_bwrap
def test_fork_bomb_is_contained_and_nothing_survives_stop(workdir: Path):
    limits = Limits(processes=16, memory_bytes=1 << 30, cpu_seconds=20)
    launcher = BwrapLauncher()
    code = textwrap.dedent(
        """
        import os, sys, time
        failures = 0
        for _ in range(200):
            try:
                if os.fork() == 0:
                    os.setsid()
                    time.sleep(600)
                    os._exit(0)
            except OSError:
                failures += 1
        print(failures, flush=True)
        time.sleep(600)
        """
    )
    proc = launcher.start([sys.executable, "-c", code], workdir, limits, capture_stdout=True)
    line = proc.stdout.readline()
    uid = proc.sandbox_uid
    launcher.stop(proc)
    assert int(line) >= 150  # the process limit refused most forks
    assert proc.poll() is not None
    if uid is not None:
        owners = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    owners.append(entry.stat().st_uid)
                except OSError:
                    pass
        assert uid not in owners


@needs_bwrap
def test_a_daemon_left_behind_is_killed(workdir: Path, tmp_path: Path):
    launcher = BwrapLauncher()
    code = textwrap.dedent(
        """
        import os, sys, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                while True:
                    with open("alive", "a") as f:
                        f.write(".")
                    time.sleep(0.05)
            os._exit(0)
        while not os.path.exists("alive"):
            time.sleep(0.01)
        print("started", flush=True)
        time.sleep(600)
        """
    )
    proc = launcher.start([sys.executable, "-c", code], workdir, FAST, capture_stdout=True)
    assert proc.stdout.readline().strip() == b"started"
    time.sleep(0.3)
    launcher.stop(proc)
    size = (workdir / "alive").stat().st_size
    time.sleep(0.5)
    assert (workdir / "alive").stat().st_size == size  # nobody writes any more


@needs_bwrap
def test_pass_fds_and_capped_stderr(workdir: Path):
    read_end, write_end = os.pipe()
    limits = Limits(output_bytes=1000, memory_bytes=1 << 30, cpu_seconds=20)
    launcher = BwrapLauncher()
    code = f"import os, sys; os.write({write_end}, b'via fd'); sys.stderr.write('e' * 100000)"
    proc = launcher.start([sys.executable, "-c", code], workdir, limits, pass_fds=(write_end,))
    os.close(write_end)
    proc.wait(timeout=60)
    assert os.read(read_end, 100) == b"via fd"
    os.close(read_end)
    time.sleep(0.2)
    text = stderr_text(proc)
    launcher.stop(proc)
    assert text.startswith("e" * 1000) and text.endswith("[stderr truncated]")
    assert len(text) < 1100


def test_unsandboxed_launcher_limits_and_stops(workdir: Path):
    launcher = UnsandboxedLauncher()
    report, proc = run(
        """
        import json, resource
        print(json.dumps(resource.getrlimit(resource.RLIMIT_FSIZE)[0]))
        """,
        workdir,
        Limits(file_bytes=12345, memory_bytes=1 << 30),
        launcher=launcher,
    )
    assert report == 12345, stderr_text(proc)


def test_bad_input_is_refused_clearly(tmp_path: Path):
    launcher = UnsandboxedLauncher()
    with pytest.raises(FileNotFoundError, match="working folder"):
        launcher.start([sys.executable], tmp_path / "missing", FAST)
    with pytest.raises(TypeError, match="argv"):
        launcher.start([], tmp_path, FAST)
    with pytest.raises(TypeError, match="Limits"):
        launcher.start([sys.executable], tmp_path, {"cpu_seconds": 1})


def test_describe_exit():
    assert describe_exit(0) == "exited with status 0"
    assert "CPU" in describe_exit(-24)
    assert "CPU" in describe_exit(128 + 24)
    assert "file size" in describe_exit(-25)
    assert describe_exit(None) == "still running"
    assert FALLBACK_WARNING.count("{reason}") == 1


@needs_bwrap
def test_user_namespace_mode_isolates_too(workdir: Path):
    """The mode a non-root grader gets (uid 65534 in a user namespace), tried here as well."""
    launcher = BwrapLauncher()
    launcher.as_root = False
    report, proc = run(
        f"""
        import json, os, socket
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=3)
            net = "connected"
        except OSError:
            net = "unreachable"
        print(json.dumps(dict(uid=os.getuid(), net=net,
                              root=sorted(os.listdir({str(ROOT)!r})))))
        """,
        workdir,
        launcher=launcher,
    )
    assert report == {"uid": 65534, "net": "unreachable", "root": EXPECTED_ROOT}, stderr_text(proc)


def test_launchers_can_be_sent_to_a_process_pool():
    import pickle

    for launcher in (BwrapLauncher(), UnsandboxedLauncher("why")):
        copy = pickle.loads(pickle.dumps(launcher))
        assert copy.name == launcher.name


@needs_bwrap
def test_the_sandbox_gets_none_of_the_graders_environment(workdir: Path, monkeypatch):
    monkeypatch.setenv("COURSE_ORACLE_DIR", "/root/secret-run-folder")
    monkeypatch.setenv("PGPASSWORD", "hunter2")
    report, proc = run(
        """
        import json, os
        print(json.dumps(sorted(os.environ)))
        """,
        workdir,
    )
    assert report is not None, stderr_text(proc)
    assert not [k for k in report if k.startswith("COURSE_") or k.startswith("PG")], report
    assert set(report) <= {
        "PATH", "HOME", "TMPDIR", "LANG", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE",
        "PYTHONNOUSERSITE", "MPLCONFIGDIR", "MPLBACKEND", "IPYTHONDIR", "PYTHONHASHSEED",
        "PYTHONUNBUFFERED", "LC_CTYPE", "PWD",
    }, report  # fmt: skip
