"""nbgrader configuration for this course (used by make release, the tests and instructors).

Folders: solutions/ is nbgrader's source folder, exercises/ its release folder; submitted/,
autograded/ and feedback/ are made beside them when an instructor grades (never committed).
"""

import os
import warnings

import nbgrader

from course.grading import nbgrader_fixes

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# SQLAlchemy 2 warns on every autograde about nbgrader's gradebook session (harmless, and it
# drowns real messages).
warnings.filterwarnings("ignore", message=nbgrader_fixes.SQLALCHEMY_NOISE)

c.CourseDirectory.course_id = "rewrites"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Never copy instructor-only files into the learner release: mutants (wrong solutions),
# the jupytext scripts paired with each source notebook (they hold the solutions), and hidden/
# (instructor-only test data, read by hidden tests with course.grading.hidden_data).
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    ".hypothesis",
    "mutants.py",
    "*.pct.py",
    "jupytext.toml",
    "hidden",
]

# A test cell may run for 2 minutes (benchmarks that measure ratios need a few seconds).
c.Execute.timeout = 120

# Submissions: nbgrader restores every locked cell (hidden tests included) from the gradebook.
# Its own OverwriteCells reports each untouched hidden-test cell as "checksum ... has changed!"
# (nbgrader issue 1961); this one warns only about cells that differ from the release.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "course.grading.nbgrader_fixes.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# The kernel's own log ("running over TCP without encryption") is not the learner's output.
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]

# Feedback must never show hidden tests: ClearHiddenTests removes them from the cell source, and
# course.grading.feedback.ScrubHiddenTests (run first) cuts tracebacks and stderr of hidden-test
# cells to the error's own message, which cannot quote the test.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.grading.feedback.ScrubHiddenTests",
    "course.grading.nbgrader_fixes.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# The feedback page names each test cell by its exercise ("count-by-host: public tests"), not
# "Test cell": the course's template file extends nbgrader's "feedback" template.
c.HTMLExporter.template_file = nbgrader_fixes.TEMPLATE_FILE
c.HTMLExporter.extra_template_basedirs = [
    str(nbgrader_fixes.TEMPLATE_DIR),
    os.path.join(
        os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"
    ),
]
c.HTMLExporter.filters = {"label_test_cells": "course.grading.nbgrader_fixes.label_test_cells"}
