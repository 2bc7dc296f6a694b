"""`make lab` serves JupyterLab on the course, with a working Validate and no formgrader."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import ROOT

TOKEN = "course-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    port = free_port()
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN}"
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def get(url: str) -> str:
    return urllib.request.urlopen(url, timeout=30).read().decode()


def validate(base: str, path: str) -> tuple[int, dict | None]:
    data = urllib.parse.urlencode({"path": path}).encode()
    request = urllib.request.Request(
        f"{base}/assignments/validate?token={TOKEN}",
        data=data,
        method="POST",
        headers={"Authorization": f"token {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


@pytest.mark.slow
def test_lab_opens_with_validate_but_without_instructor_plugins(lab):
    page = get(f"{lab}/lab?token={TOKEN}")
    disabled = json.loads(page.split('"disabledExtensions": ')[1].split("]")[0] + "]")
    assert "@jupyter/nbgrader:formgrader" in disabled
    assert "@jupyter/nbgrader:create-assignment" in disabled
    assert not [d for d in disabled if "validate" in d]
    top = json.loads(get(f"{lab}/api/contents?token={TOKEN}"))
    assert {"notebooks", "exercises"} <= {item["name"] for item in top["content"]}
    # The start page: the server's default URL opens the welcome notebook.
    with urllib.request.urlopen(f"{lab}/?token={TOKEN}", timeout=30) as response:
        assert response.url.split("?")[0].endswith(
            "/lab/tree/notebooks/00-orientation/01-welcome.ipynb"
        )


@pytest.mark.slow
def test_validate_reports_the_untouched_release_and_passes_the_solution(lab):
    status, result = validate(lab, "exercises/00-orientation/warmup.ipynb")
    assert status == 200 and result["success"], result
    assert len(result["value"]["failed"]) == 4  # the four public test cells
    status, result = validate(lab, "solutions/00-orientation/warmup.ipynb")
    assert status == 200 and result == {"success": True, "value": {}}, result


@pytest.mark.slow
def test_validate_refuses_paths_outside_the_course(lab):
    status, _ = validate(lab, "../../../../etc/hostname")
    assert status == 403
