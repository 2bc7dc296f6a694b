"""`make lab` serves JupyterLab on the course, with a working Validate and no formgrader.

(tests/test_browser.py drives the same server from a real browser.)
"""

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
def lab(tmp_path_factory):
    port = free_port()
    # the workspace (open tabs) in a scratch folder, not the user's ~/.jupyter
    workspaces = tmp_path_factory.mktemp("workspaces")
    args = (
        f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN} "
        f"--LabApp.workspaces_dir={workspaces}"
    )
    proc = subprocess.Popen(
        # GIT_FILTER=no: a test must not change the repository's git configuration.
        ["make", "-s", "lab", f"LAB_ARGS={args}", "GIT_FILTER=no"],
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
    assert "@jupyter/nbgrader:menu" in disabled  # it would be empty
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


@pytest.mark.slow
def test_validate_on_a_lecture_says_there_is_nothing_to_validate(lab):
    # course.lab answers without running the lecture (nbgrader would run it, then say "Success").
    status, result = validate(lab, "notebooks/01-columnar/04-parquet.ipynb")
    assert status == 200 and result["success"] is False, result
    assert "nothing to validate" in result["value"] and "exercises/" in result["value"]


@pytest.mark.slow
def test_file_browser_hides_the_jupytext_twins(lab):
    listing = json.loads(get(f"{lab}/api/contents/notebooks/01-columnar?token={TOKEN}"))
    names = {item["name"] for item in listing["content"]}
    assert "04-parquet.ipynb" in names
    assert not [n for n in names if n.endswith(".pct.py")], names
