"""The learner path in a real browser: JupyterLab as `make lab` serves it, driven by headless
Chromium (Debian's ``chromium`` package) through Playwright.

JupyterLab opens on the welcome notebook, its cells run with nothing on stderr, a learner types an
answer in the warm-up and its public test passes, Validate answers (and explains itself on a
lecture), no JavaScript error reaches the console, and the learner sees no Nbgrader menu, no news
pop-up and no ``.pct.py`` twins. The server runs on a scratch copy of the learner files, so the
repository is never written to. Screenshots are kept in ``test-artifacts/browser/`` (ignored by
git); look at them when a step fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "course-browser-test"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
START = "notebooks/00-orientation/01-welcome.ipynb"
EXERCISE = "exercises/00-orientation/warmup.ipynb"
#: What a learner types into the first answer cell (one line: the editor auto-indents).
ANSWER = (
    "def mean_of_valid(values): valid = [v for v in values if v is not None]; "
    "return sum(valid) / len(valid) if valid else None"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A scratch copy of what a learner's checkout holds (no solutions needed)."""
    folder = tmp_path_factory.mktemp("learner")
    for name in ("notebooks", "exercises"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    return folder


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    """JupyterLab with the flags `make lab` uses, serving the scratch copy.

    Its workspace (which tabs are open) is kept in a scratch folder: in the user's
    ~/.jupyter/lab/workspaces, one run's open tabs would be the next run's start page.
    """
    workspaces = tmp_path_factory.mktemp("workspaces")
    port = free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            *(["--allow-root"] if os.geteuid() == 0 else []),
            f"--ServerApp.root_dir={course}",
            f"--LabApp.default_url=/lab/tree/{START}",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={TOKEN}",
            f"--LabApp.workspaces_dir={workspaces}",
        ],
        cwd=course,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "JupyterLab did not start within 120 s"
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    """One headless Chromium page with a fresh profile; collects console errors."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
            viewport={"width": 1400, "height": 900},
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(120_000)
        page.console_errors = []
        page.on(
            "console",
            lambda m: page.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: page.console_errors.append(f"page error: {e}"))
        try:
            yield page
        finally:
            context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_until_idle(page) -> None:
    """Wait until the open notebook's kernel is idle and no cell is queued or running."""
    kernel_idle(page)
    page.wait_for_function(
        """() => ![...document.querySelectorAll('.jp-InputPrompt')]
                  .some(p => p.textContent.includes('*'))"""
    )


def kernel_idle(page) -> None:
    """Wait for the status bar to show the current notebook's kernel idle."""
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle")).first.wait_for()


def run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_timeout(500)
    wait_until_idle(page)


def validate(page) -> str:
    """Click Validate, return the text of its dialog (then close it)."""
    page.locator(".jp-NotebookPanel:visible .validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for()
    text = dialog.inner_text()
    return text


def close_dialog(page) -> None:
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached")


def test_learner_path_in_a_real_browser(lab, browser, course):
    try:
        _learner_path(lab, browser, course)
    except BaseException:
        shot(browser, "failed")  # what the page showed when the step failed
        raise


def _learner_path(lab, page, course):
    # 1. The start page opens on the welcome notebook, without news pop-up or Nbgrader menu.
    page.goto(f"{lab}/?token={TOKEN}")  # what `make lab` opens: the server's default URL
    page.wait_for_selector(".jp-NotebookPanel")
    kernel_idle(page)
    current = page.locator(".lm-DockPanel-tabBar .lm-mod-current .lm-TabBar-tabLabel").inner_text()
    assert current == Path(START).name, current
    assert (
        "Engineering the big rewrites"
        in page.locator(".jp-NotebookPanel:visible .jp-Notebook").inner_text()
    )
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "Nbgrader" not in menus, menus
    assert not page.locator(".jp-toast-message, .Toastify__toast").count(), (
        "a notification popped up"
    )
    shot(page, "01-welcome-opened")

    # 2. Every cell runs, nothing on stderr.
    run_all(page)
    shot(page, "02-welcome-ran")
    prompts = page.locator(".jp-NotebookPanel:visible .jp-InputPrompt").all_inner_texts()
    assert all(re.search(r"\[\d+\]", p) for p in prompts if p.strip()), prompts
    assert not page.locator(
        ".jp-NotebookPanel:visible [data-mime-type='application/vnd.jupyter.stderr']"
    ).count()

    # 3. Validate on a lecture says there is nothing to validate.
    text = validate(page)
    shot(page, "03-validate-on-lecture")
    close_dialog(page)
    assert "nothing to validate" in text and "exercises/" in text, text

    # 4. The file browser hides the jupytext twins.
    listing = json.loads(
        urllib.request.urlopen(
            f"{lab}/api/contents/notebooks/00-orientation?token={TOKEN}", timeout=30
        ).read()
    )
    names = {item["name"] for item in listing["content"]}
    assert "01-welcome.ipynb" in names and not [n for n in names if n.endswith(".pct.py")], names

    # 5. The warm-up: type an answer, run, its public test passes.
    page.goto(f"{lab}/lab/tree/{EXERCISE}?token={TOKEN}")
    page.locator(
        ".jp-NotebookPanel:visible .jp-CodeCell", has_text="def mean_of_valid"
    ).first.wait_for()
    kernel_idle(page)
    answer = page.locator(
        ".jp-NotebookPanel:visible .jp-CodeCell", has_text="def mean_of_valid"
    ).first
    editor = answer.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(ANSWER)
    page.keyboard.press("Escape")
    run_all(page)
    public = page.locator(
        ".jp-NotebookPanel:visible .jp-CodeCell", has_text="mean_of_valid([None, None])"
    )
    public.first.scroll_into_view_if_needed()  # Lab renders only the cells in view
    passed = public.first.locator(".jp-OutputArea-output", has_text="public tests passed")
    passed.wait_for(timeout=10_000)
    page.wait_for_timeout(500)  # let the cells around it render for the screenshot
    shot(page, "04-exercise-public-test")
    assert "mean_of_valid: public tests passed" in passed.inner_text()

    # 6. Validate runs the notebook as the grader will: the answered exercise passes, the others
    # (still `raise NotImplementedError()`) fail.
    text = validate(page)
    shot(page, "05-validate-exercise")
    close_dialog(page)
    assert "The following cell failed" in text, text
    assert "count_by_host" in text and "mean_of_valid([1.0, None, 3.0])" not in text, text

    # 7. No JavaScript errors on the way.
    assert not page.console_errors, page.console_errors

    # 8. What Lab saved: the exercise holds the answer; the lecture, run and saved (Validate
    # saves first), is byte for byte as committed (course.lab's save hook drops outputs), so
    # running a lecture does not dirty the repository.
    saved = json.loads((course / EXERCISE).read_text(encoding="utf-8"))
    assert any(ANSWER in "".join(c["source"]) for c in saved["cells"])
    assert (course / START).read_text(encoding="utf-8") == (ROOT / START).read_text(
        encoding="utf-8"
    )
