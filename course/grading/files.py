"""The judge's files: test inputs in a folder only the judge writes, learner output read safely.

The judge never reads or writes by name in a folder the sandbox can write, so a link or a folder
the learner's code swaps in can make it touch nothing outside. A notebook's test cells get a
:class:`FileBroker` (through ``course.learner.files``):

- ``scratch(prefix)``: a new folder under the notebook's *inputs* folder, which only the judge
  writes and which the sandbox sees read-only (bound at the same path), so test inputs written
  there reach the learner's code as they are;
- ``lend(folder)``: a new folder in the learner's working folder, made through a descriptor of
  that folder (``mkdir`` of a fresh random name, every file created with ``O_EXCL|O_NOFOLLOW``),
  holding a copy of ``folder``'s files and owned by the sandbox's user;
- ``collect(path)``: a copy, in the inputs folder, of what the learner's code left in a lent
  folder: regular files and folders only, each opened relative to its parent's descriptor with
  ``O_NOFOLLOW`` and checked with ``fstat``, within a budget of files, bytes and depth.

Code is MIT licensed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["FileBroker", "LentFolderError", "copy_into"]

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CHUNK = 1 << 20


class LentFolderError(RuntimeError):
    """What the learner's code left in a lent folder cannot be read back (the message says why)."""


class FileBroker:
    """Test files for one notebook: ``inputs`` (judge-only), ``workdir`` (the learner's).

    ``owner()`` gives the uid the sandbox runs as (None: the learner runs as this user).
    ``max_bytes`` and ``max_files`` bound what one :meth:`collect` copies.
    """

    MAX_DEPTH = 8

    def __init__(
        self,
        inputs: Path,
        workdir: Path,
        owner: Callable[[], int | None] = lambda: None,
        max_bytes: int = 256 << 20,
        max_files: int = 10_000,
    ) -> None:
        self.inputs = Path(inputs)
        self.workdir = Path(workdir)
        self.owner = owner
        self.max_bytes = max_bytes
        self.max_files = max_files
        self._lent: set[str] = set()

    # ----- the tests' own files
    def scratch(self, prefix: str) -> Path:
        """A new folder under the inputs folder (the sandbox reads it; only the judge writes)."""
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=self.inputs))
        os.chmod(folder, 0o755)
        return folder

    def open_up(self) -> None:
        """Make what the tests wrote readable by the sandbox (the judge's umask may be 077).

        Safe to walk by name: only this process writes under ``inputs``.
        """
        for base, dirs, files in os.walk(self.inputs):
            for name in dirs:
                _ensure_mode(os.path.join(base, name), 0o755)
            for name in files:
                _ensure_mode(os.path.join(base, name), 0o644)

    # ----- lent folders
    def lend(self, folder: Path) -> str:
        """A new folder the learner's code may write, with a copy of ``folder`` (see module)."""
        source = Path(folder)
        if source.exists() and not self._is_input(source):
            raise ValueError(
                f"lend() copies a folder of the test's own (under scratch_folder()), not {source}"
            )
        source.mkdir(parents=True, exist_ok=True)
        uid = self.owner()
        wfd = os.open(self.workdir, _DIR)
        try:
            for _attempt in range(8):
                name = f".lent-{secrets.token_hex(8)}"
                try:
                    os.mkdir(name, 0o755, dir_fd=wfd)
                    break
                except FileExistsError:
                    continue
            else:
                raise LentFolderError("no fresh name for a lent folder")
            dfd = os.open(name, _DIR, dir_fd=wfd)
            try:
                if os.fstat(dfd).st_uid != os.geteuid():
                    raise LentFolderError("the lent folder was replaced as it was made")
                _copy_tree_into(source, dfd, uid)
                if uid is not None:
                    os.fchown(dfd, uid, uid)
            finally:
                os.close(dfd)
        finally:
            os.close(wfd)
        path = str(self.workdir / name)
        self._lent.add(path)
        return path

    def collect(self, path: str) -> Path:
        """A copy (in the inputs folder) of the plain files and folders left at ``path``."""
        if path not in self._lent:
            raise ValueError("collect() takes a path that lend() gave in this notebook")
        name = os.path.basename(path)
        wfd = os.open(self.workdir, _DIR)
        try:
            try:
                dfd = os.open(name, _DIR, dir_fd=wfd)
            except OSError as exc:
                raise LentFolderError(
                    f"the folder lent to your code is gone or is not a folder any more "
                    f"({exc.strerror})"
                ) from None
            target = self.scratch("collected-")
            budget = [self.max_files, self.max_bytes]
            try:
                self._copy_out(dfd, target, budget, 0)
            finally:
                os.close(dfd)
        finally:
            os.close(wfd)
        return target

    def _copy_out(self, dfd: int, target: Path, budget: list[int], depth: int) -> None:
        if depth > self.MAX_DEPTH:
            raise LentFolderError(f"your code nested folders deeper than {self.MAX_DEPTH}")
        with os.scandir(dfd) as entries:
            names = sorted(e.name for e in entries)
        for name in names:
            budget[0] -= 1
            if budget[0] < 0:
                raise LentFolderError(f"your code wrote more than {self.max_files:,} files")
            try:
                info = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(info.st_mode):
                try:
                    sub = os.open(name, _DIR, dir_fd=dfd)
                except OSError:
                    continue  # swapped for something else meanwhile: not a folder any more
                try:
                    (target / name).mkdir(mode=0o755)
                    self._copy_out(sub, target / name, budget, depth + 1)
                finally:
                    os.close(sub)
            elif stat.S_ISREG(info.st_mode):
                try:
                    fd = os.open(name, _READ, dir_fd=dfd)
                except OSError:
                    continue  # a link or a fifo swapped in: never followed, never read
                with os.fdopen(fd, "rb") as src:
                    if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                        continue
                    out = os.open(target / name, _NEW, 0o644)
                    with os.fdopen(out, "wb") as dst:
                        while chunk := src.read(min(_CHUNK, budget[1] + 1)):
                            budget[1] -= len(chunk)
                            if budget[1] < 0:
                                raise LentFolderError(
                                    f"your code wrote more than {self.max_bytes:,} bytes"
                                )
                            dst.write(chunk)
            # links, fifos, sockets and devices are left out

    def _is_input(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.inputs.resolve())
        except OSError:
            return False

    def close(self) -> None:
        """Remove the inputs folder's contents (only this process writes there)."""
        shutil.rmtree(self.inputs, ignore_errors=True)


def _ensure_mode(path: str, mode: int) -> None:
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) & mode != mode:
            os.chmod(path, stat.S_IMODE(info.st_mode) | mode)


def _copy_tree_into(source: Path, dfd: int, uid: int | None) -> None:
    """Copy the judge-owned folder ``source`` into the folder open as ``dfd`` (never following)."""
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        if entry.is_dir(follow_symlinks=False):
            os.mkdir(entry.name, 0o755, dir_fd=dfd)
            sub = os.open(entry.name, _DIR, dir_fd=dfd)
            try:
                _copy_tree_into(Path(entry.path), sub, uid)
                if uid is not None:
                    os.fchown(sub, uid, uid)
            finally:
                os.close(sub)
        elif entry.is_file(follow_symlinks=False):
            copy_into(Path(entry.path), dfd, entry.name, uid)


def copy_into(source: Path, dfd: int, name: str, uid: int | None = None) -> None:
    """Copy the file ``source`` as ``name`` into the folder open as ``dfd``.

    An entry of that name is removed first (``unlink`` never follows a link), and the file is
    created with ``O_EXCL|O_NOFOLLOW``: whatever the folder's owner planted there, only this
    new file is written. ``uid``: who then owns it.
    """
    with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
        os.unlink(name, dir_fd=dfd)
    out = os.open(name, _NEW, 0o644, dir_fd=dfd)
    with open(source, "rb") as src, os.fdopen(out, "wb") as dst:
        shutil.copyfileobj(src, dst, _CHUNK)
        if uid is not None:
            os.fchown(dst.fileno(), uid, uid)


def release_into(source: Path, workdir: Path, uid: int | None = None) -> list[str]:
    """Copy the assignment's released files from ``source`` into the learner's ``workdir``.

    Every name is made through descriptors (see :func:`copy_into`), so a link the learner's
    code left in ``workdir`` (a student's notebooks share it) is replaced, never followed.
    Returns what could not be copied, for the record.
    """
    problems: list[str] = []
    here = Path(workdir).resolve()
    skip = {here, here.parent / f"{here.name}.inputs"}  # a workdir inside the source folder
    wfd = os.open(workdir, _DIR)
    try:
        _release(source, wfd, uid, problems, "", skip)
    finally:
        os.close(wfd)
    return problems


_NOT_RELEASED = ("hidden", "mutants.py", "__pycache__", ".ipynb_checkpoints")


def _release(
    source: Path, dfd: int, uid: int | None, problems: list[str], where: str, skip: set[Path]
) -> None:
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        name = entry.name
        if not where and (
            name in _NOT_RELEASED or name.endswith(".ipynb") or name.endswith(".pct.py")
        ):
            continue
        if Path(entry.path).resolve() in skip:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                try:
                    sub = os.open(name, _DIR, dir_fd=dfd)
                except OSError:  # missing, or a link or a file in its place
                    with contextlib.suppress(OSError):
                        os.unlink(name, dir_fd=dfd)
                    os.mkdir(name, 0o755, dir_fd=dfd)
                    sub = os.open(name, _DIR, dir_fd=dfd)
                try:
                    if uid is not None:
                        os.fchown(sub, uid, uid)
                    _release(Path(entry.path), sub, uid, problems, f"{where}{name}/", skip)
                finally:
                    os.close(sub)
            elif entry.is_file(follow_symlinks=False):
                copy_into(Path(entry.path), dfd, name, uid)
        except OSError as exc:
            problems.append(
                f"the assignment's file {where}{name} could not be put in place ({exc.strerror})"
            )
