"""The judge processes of a class run, spoken to in JSON lines: nothing from them is unpickled.

A judge process reads learner data all day (replies, files, Arrow IPC): it is the part of the
grader most exposed to hostile input, so the class driver trusts nothing it sends back beyond
plain JSON. :class:`JudgePool` starts ``jobs`` processes (``python -m course.grading.pool``), each
of which imports the grader's libraries once and then grades one task at a time: a task is a JSON
line on its stdin, its answer one JSON line on a pipe of its own (descriptor 3; its stdout and
stderr stay free for libraries and tracebacks). The driver:

- reads every answer with a size limit and a deadline per task (a process past its deadline is
  killed and replaced: it can never stall the class);
- gives each task to the next idle process, and a task whose process died or stalled is split
  into its notebooks, each tried once more on its own (one killer notebook costs only itself);
- never unpickles, evaluates or imports anything a judge process says.

Code is MIT licensed.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JudgePool", "Task", "serve"]

#: largest answer line a judge process may send (autograded notebooks included)
MAX_ANSWER_BYTES = 512 << 20
_ANSWER_FD = 3


@dataclass
class Task:
    """One unit of work: ``payload`` is sent as JSON; ``deadline`` seconds once started."""

    payload: dict
    deadline: float
    alone: bool = False  # already split off a failed task: never split again
    started: float = 0.0
    buffer: bytearray = field(default_factory=bytearray)


class _Process:
    def __init__(
        self,
        env: dict[str, str],
        handler: str,
        wrap: list[str],
    ) -> None:
        read_end, write_end = os.pipe()
        os.set_inheritable(write_end, True)
        try:
            self.proc = subprocess.Popen(
                [*wrap, sys.executable, "-m", "course.grading.pool", str(write_end), handler],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                env=env,
                pass_fds=(write_end,),
                start_new_session=True,
            )
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        os.set_blocking(read_end, False)
        self.answers = read_end
        self.wrapped = bool(wrap)
        self.task: Task | None = None

    def send(self, task: Task) -> None:
        task.started = time.monotonic()
        task.buffer.clear()
        self.task = task
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(task.payload).encode() + b"\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for closing in (lambda: os.close(self.answers), self.proc.stdin.close):
            try:
                closing()
            except OSError:
                pass


class JudgePool:
    """``jobs`` judge processes; :meth:`run` grades tasks and hands each answer to a callback.

    ``env``: the processes' environment; ``handler``: ``module:function`` that
    answers a task in the child (after ``module.warm()``, if it has one); ``wrap``: a command
    prefix the processes start under (:func:`course.grading.privilege.judge_command`).
    """

    def __init__(
        self,
        jobs: int,
        env: dict[str, str] | None = None,
        handler: str = "course.grading.classroom:handle_task",
        wrap: list[str] | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError(f"a pool needs at least one process, got {jobs}")
        self.env = dict(os.environ if env is None else env)
        self.handler = handler
        self.wrap = list(wrap or [])
        self.jobs = jobs
        self._idle: list[_Process] = [self._start() for _ in range(jobs)]

    def _start(self) -> _Process:
        return _Process(self.env, self.handler, self.wrap)

    def run(
        self,
        tasks: list[Task],
        done: Callable[[Task, Any], None],
        split: Callable[[Task, str], list[Task]],
        failed: Callable[[Task, str], None],
    ) -> None:
        """Grade ``tasks``; ``done(task, answer)`` gets each answer (parsed JSON). A task whose
        process died or ran past its deadline is replaced by ``split(task, why)`` (tasks marked
        ``alone``); an ``alone`` task that fails that way goes to ``failed(task, why)``."""
        queue = deque(tasks)
        busy: list[_Process] = []
        with selectors.DefaultSelector() as sel:
            while queue or busy:
                while queue and (self._idle or len(busy) < self.jobs):
                    proc = self._idle.pop() if self._idle else self._start()
                    task = queue.popleft()
                    try:
                        proc.send(task)
                    except OSError:  # it died while idle: a fresh one takes the task
                        proc.kill()
                        queue.appendleft(task)
                        continue
                    busy.append(proc)
                    sel.register(proc.answers, selectors.EVENT_READ, proc)
                now = time.monotonic()
                wait = min(p.task.started + p.task.deadline for p in busy) - now
                for key, _ in sel.select(timeout=max(0.0, wait)):
                    proc = key.data
                    answer, why = self._read(proc)
                    if answer is None and not why:
                        continue  # not a whole line yet
                    sel.unregister(proc.answers)
                    busy.remove(proc)
                    task, proc.task = proc.task, None
                    if why:
                        proc.kill()
                        self._lost(task, why, queue, split, failed)
                    else:
                        self._idle.append(proc)
                        done(task, answer)
                now = time.monotonic()
                for proc in [p for p in busy if now > p.task.started + p.task.deadline]:
                    sel.unregister(proc.answers)
                    busy.remove(proc)
                    task, proc.task = proc.task, None
                    proc.kill()
                    why = f"the grading process stalled (no answer within {task.deadline:g} s)"
                    self._lost(task, why, queue, split, failed)

    @staticmethod
    def _lost(task: Task, why: str, queue: deque, split: Callable, failed: Callable) -> None:
        if task.alone:
            failed(task, why)
        else:
            queue.extend(split(task, why))

    @staticmethod
    def _read(proc: _Process) -> tuple[Any, str]:
        """(answer, '') once a whole line is in; (None, '') for more to come; (None, why)."""
        task = proc.task
        assert task is not None
        try:
            chunk = os.read(proc.answers, 1 << 20)
        except BlockingIOError:
            return None, ""
        except OSError as exc:
            return None, f"the grading process's answer could not be read ({exc})"
        if not chunk:
            try:
                code = proc.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None  # closed its end but lives on: it is killed next
            # killed: a negative status, or 128 + the signal when bubblewrap wraps the process
            signum = -code if code is not None and code < 0 else 0
            signum = code - 128 if code is not None and code > 128 and proc.wrapped else signum
            if signum:
                return None, f"the grading process was killed (signal {signum}) before it answered"
            return None, f"the grading process ended (exit status {code}) before it answered"
        task.buffer += chunk
        if len(task.buffer) > MAX_ANSWER_BYTES:
            return None, f"the grading process's answer is larger than {MAX_ANSWER_BYTES:,} bytes"
        end = task.buffer.find(b"\n")
        if end < 0:
            return None, ""
        try:
            return json.loads(bytes(task.buffer[:end])), ""
        except ValueError as exc:
            return None, f"the grading process's answer is not JSON ({exc})"

    def close(self) -> None:
        """Stop every process: each may end by itself (its stdin closes), then it is killed.

        Idle processes hold no sandbox (each task closes its own), so nothing is lost.
        """
        for proc in self._idle:
            with contextlib.suppress(OSError):
                proc.proc.stdin.close()
        end = time.monotonic() + 5
        for proc in self._idle:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.proc.wait(timeout=max(0.0, end - time.monotonic()))
            proc.kill()
        self._idle = []

    def __enter__(self) -> JudgePool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def serve(answer_fd: int, handler: Callable[[dict], Any]) -> None:
    """The judge process's loop: a JSON task per stdin line, a JSON answer per line on ``fd``."""
    with os.fdopen(answer_fd, "wb", buffering=0) as out:
        for line in sys.stdin.buffer:
            try:
                answer = handler(json.loads(line))
            except Exception as exc:  # noqa: BLE001 - a grader bug: reported, the pool goes on
                import traceback

                traceback.print_exc()
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            data = json.dumps(answer).encode() + b"\n"
            view = memoryview(data)
            while view:
                view = view[out.write(view) :]


if __name__ == "__main__":
    import importlib

    _module, _, _function = sys.argv[2].partition(":")
    _handlers = importlib.import_module(_module)
    if hasattr(_handlers, "warm"):
        _handlers.warm()
    serve(int(sys.argv[1]), getattr(_handlers, _function))
