"""Judge processes in JSON lines: deadlines, crashes and malformed answers cost only their task."""

from __future__ import annotations

import os
import time

import pytest

from course.grading.pool import JudgePool, Task

HANDLER = "tests.pool_handlers:handle"


def _run(tasks, jobs=2):
    done, failed, split = [], [], []

    def on_split(task, why):
        split.append((task.payload, why))
        return [Task(task.payload, task.deadline, alone=True)]

    with JudgePool(jobs, handler=HANDLER) as pool:
        pool.run(
            tasks,
            lambda t, answer: done.append((t.payload, answer)),
            on_split,
            lambda t, why: failed.append((t.payload, why)),
        )
    return done, split, failed


def test_answers_come_back_as_json_and_processes_are_reused():
    done, split, failed = _run([Task({"do": "echo", "value": [i, "x"]}, 30) for i in range(6)])
    assert sorted(a["echo"][0] for _, a in done) == list(range(6))
    assert len({a["pid"] for _, a in done}) <= 2 and not split and not failed


def test_a_stalled_or_dying_process_costs_its_task_only():
    started = time.monotonic()
    tasks = [
        Task({"do": "sleep"}, 2),
        Task({"do": "exit"}, 30),
        Task({"do": "echo", "value": 1}, 30),
        Task({"do": "print"}, 30),
    ]
    done, split, failed = _run(tasks)
    assert time.monotonic() - started < 20
    assert sorted(p["do"] for p, _ in done) == ["echo", "print"]
    reasons = {p["do"]: why for p, why in failed}
    assert "stalled" in reasons["sleep"] and "ended (exit status 3)" in reasons["exit"]
    assert len(split) == 2  # each tried once more, alone, before it failed


def test_an_answer_that_is_not_json_is_never_unpickled(tmp_path):
    done, split, failed = _run([Task({"do": "garbage"}, 30)], jobs=1)
    assert not done and "not JSON" in failed[0][1]


def test_a_grader_bug_is_an_answer_not_a_crash():
    done, split, failed = _run([Task({"do": "raise"}, 30)], jobs=1)
    assert done[0][1] == {"error": "ValueError: a grader bug"} and not failed


def test_a_pool_needs_a_process():
    with pytest.raises(ValueError, match="at least one"):
        JudgePool(0)


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root driver drops its judges' rights")
def test_a_root_drivers_judges_are_never_root_and_see_only_their_run():
    """The judges of `course grade` run as root: their own uid, no capabilities, and a view of
    the file system without the course (only the Python environment and their run folder);
    where the driver can use cgroups, so can they (in a group handed to them)."""
    from course.grading.cgroups import cgroup_problem
    from course.grading.classroom import _close_pool, _new_pool
    from course.grading.limits import Limits
    from course.grading.privilege import JUDGE_UID
    from course.grading.sandbox import sandbox_problem
    from tests.conftest import ROOT

    if sandbox_problem() is not None:
        pytest.skip(f"needs bubblewrap: {sandbox_problem()}")
    pool, run = _new_pool(1, handler="course.grading.privilege:describe")
    secret = [str(ROOT / "solutions"), str(ROOT / "nbgrader_config.py")]
    answers = []
    try:
        pool.run(
            [Task({"paths": [*secret, run]}, 60)],
            lambda t, a: answers.append(a),
            lambda t, why: pytest.fail(why),
            lambda t, why: pytest.fail(why),
        )
    finally:
        _close_pool(pool, run)
    (me,) = answers
    assert (me["uid"], me["euid"], me["gid"], me["groups"]) == (JUDGE_UID, JUDGE_UID, JUDGE_UID, [])
    assert me["cap_eff"] == 0 and me["cap_bnd"] == 0 and me["no_new_privs"]
    visible = me["visible"]
    assert visible[run] and not any(visible[p] for p in secret), visible
    if cgroup_problem() is None:
        assert me["cgroups"] == "usable", me["cgroups"]
    # its students' working folders live in a tmpfs of its own: one submission's disk quota
    assert Limits().disk_bytes <= me["tmp_bytes"] <= Limits().disk_bytes + (300 << 20), me
