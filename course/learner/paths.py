"""Find the course's data files and folders from any working directory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_path", "data_files", "repo_root"]


def data_files() -> list[str]:
    """Names of the data files that ship inside the ``course`` package."""
    folder = resources.files("course") / "data"
    return sorted(
        p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(("_", "."))
    )


def data_path(name: str) -> Path:
    """Absolute path of a data file shipped with the course, e.g. ``data_path("hosts.csv")``."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"data_path() takes a file name as a non-empty str, got {name!r}")
    path = Path(str(resources.files("course") / "data" / name))
    if not path.is_file():
        known = ", ".join(data_files()) or "(none)"
        raise FileNotFoundError(f"no course data file named {name!r}; the data files are: {known}")
    return path


def repo_root(start: Path | None = None) -> Path:
    """The course repository's top folder (the one holding ``nbgrader_config.py``).

    Searches upwards from ``start`` (default: this package's folder, which works for an
    editable install, then the current directory).
    """
    candidates = [start] if start else [Path(__file__).resolve().parent, Path.cwd()]
    for begin in candidates:
        for folder in [begin.resolve(), *begin.resolve().parents]:
            if (folder / "nbgrader_config.py").is_file() and (folder / "solutions").is_dir():
                return folder
    raise FileNotFoundError(
        "cannot find the course repository (a folder with nbgrader_config.py and solutions/); "
        "run this from inside the repository, or pass --root"
    )
