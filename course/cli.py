"""``python -m course``: authoring checks, mutant grading and benchmarks.

python -m course            # same as `check`
python -m course check      # read-only authoring checks; exit 1 with the list of problems
python -m course mutants    # grade every mutant; exit 1 if any survives
python -m course release    # regenerate exercises/ from solutions/ (nbgrader)
python -m course sync       # pair notebooks with their .pct.py scripts, clear outputs
python -m course lock       # re-pin requirements.lock and environment.yml
python -m course grade A    # grade submitted/*/A with the trusted judge, into nbgrader's gradebook
python -m course edition OUT  # build the learner edition (no solutions, hidden tests, mutants)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.learner.paths import repo_root

__all__ = ["main"]


def _root(arg: str | None) -> Path:
    if arg:
        root = Path(arg)
        if not (root / "solutions").is_dir():
            raise SystemExit(f"error: {root} has no solutions/ folder; pass the course repository")
        return root.resolve()
    try:
        return repo_root()
    except FileNotFoundError as exc:
        raise SystemExit(f"error: {exc}") from None


def _report_problems(root: Path, heading: str, skip: str | None = None) -> bool:
    """Run the authoring checks; print any problems under ``heading``. True if there were any.

    Problems in files under ``skip`` (a folder the command replaces) are left out.
    """
    from course.authoring.lint import check_repo

    problems = [p for p in check_repo(root) if not (skip and p.where.startswith(skip))]
    if problems:
        print(heading.format(count=len(problems)), file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    return bool(problems)


def cmd_check(args: argparse.Namespace) -> int:
    if _report_problems(_root(args.root), "{count} problem(s) found; nothing was changed:"):
        return 1
    print("course check: no problems found")
    return 0


def cmd_mutants(args: argparse.Namespace) -> int:
    from course.authoring.mutants import all_mutants, run_mutants, table

    root = _root(args.root)
    if _report_problems(root, "fix these first (python -m course check):"):
        return 1
    mutants = all_mutants(root)
    if args.assignment:
        mutants = [m for m in mutants if m.assignment == args.assignment]
        if not mutants:
            print(f"error: no mutants for assignment {args.assignment!r}", file=sys.stderr)
            return 1
    results = run_mutants(root, mutants, jobs=args.jobs, progress=not args.quiet)
    print(table(results))
    return 0 if all(r.ok for r in results) else 1


def cmd_release(args: argparse.Namespace) -> int:
    from course.authoring.release import release

    root = _root(args.root)
    # exercises/ is regenerated (learner work in it is set aside first), so its state is no reason
    # to refuse.
    if _report_problems(root, "not releasing; fix these first:", skip="exercises/"):
        return 1
    for line in release(root):
        print(line)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from course.authoring.sync import sync_notebooks

    root = _root(args.root)
    for notebook in sync_notebooks(root, args.paths):
        print(f"synced {notebook.relative_to(root)}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from course.grading.classroom import run  # main() explains its absence in the edition

    return run(_root(args.root), args)


def cmd_lock(args: argparse.Namespace) -> int:
    from course.authoring.lock import write_lock

    write_lock(_root(args.root))
    print("wrote requirements.lock, requirements-dev.lock and environment.yml")
    return 0


def cmd_edition(args: argparse.Namespace) -> int:
    from course.authoring.edition import build_edition

    try:
        files = build_edition(_root(args.root), Path(args.out))
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"learner edition: {len(files)} files in {args.out}")
    return 0


BENCHMARKS = ("columnar", "timeseries", "channels", "concurrency", "grading")


def cmd_bench(args: argparse.Namespace) -> int:
    """Run ``course.<module>.bench.main`` (each module's benchmark owns its options)."""
    import importlib

    try:
        module = importlib.import_module(f"course.{args.module}.bench")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"course.{args.module}", f"course.{args.module}.bench"):
            raise
        print(f"error: module {args.module!r} has no benchmark yet", file=sys.stderr)
        return 2
    return module.main(args.bench_args)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m course`` and the ``course`` command."""
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__.split("\n")[0])
    parser.add_argument("--root", help="course repository (default: found from here)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("check", help="read-only authoring checks (default)")
    mutants = sub.add_parser("mutants", help="grade every mutant and print the table")
    mutants.add_argument("assignment", nargs="?", help="only this assignment, e.g. 00-orientation")
    mutants.add_argument("-j", "--jobs", type=int, default=None, help="parallel kernels")
    mutants.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    sub.add_parser("release", help="regenerate exercises/ from solutions/ with nbgrader")
    sync = sub.add_parser("sync", help="pair notebooks with .pct.py scripts and clear outputs")
    sync.add_argument("paths", nargs="*", help="only these notebooks or scripts")
    sub.add_parser(
        "lock", help="re-pin requirements.lock, requirements-dev.lock and environment.yml"
    )
    grade = sub.add_parser("grade", help="grade submissions with the trusted judge (nbgrader)")
    try:
        from course.grading.classroom import add_arguments
    except ImportError:  # the learner edition has no grader
        grade.add_argument("assignment")
    else:
        add_arguments(grade)
    edition = sub.add_parser("edition", help="build the learner edition in a new folder")
    edition.add_argument("out", help="new or empty folder outside the repository")
    bench = sub.add_parser("bench", help="print a module's measured performance ratios")
    bench.add_argument("module", choices=BENCHMARKS, help="which module's benchmark")
    bench.add_argument(
        "bench_args", nargs=argparse.REMAINDER, help="the benchmark's own options (see --help)"
    )
    args = parser.parse_args(argv)
    if args.command in (None, "check"):
        return cmd_check(args)
    commands = {
        "mutants": cmd_mutants,
        "release": cmd_release,
        "sync": cmd_sync,
        "lock": cmd_lock,
        "grade": cmd_grade,
        "bench": cmd_bench,
        "edition": cmd_edition,
    }
    try:
        return commands[args.command](args)
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith(("course.authoring", "course.grading")):
            print(
                f"error: `python -m course {args.command}` is for the course's authors and "
                "instructors; this is the learner edition (run it in the course repository)",
                file=sys.stderr,
            )
            return 2
        raise
