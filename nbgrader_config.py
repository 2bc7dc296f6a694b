"""nbgrader configuration for this course (used by make release, the tests and instructors).

Folders: solutions/ is nbgrader's source folder, exercises/ its release folder; submitted/,
autograded/ and feedback/ are made beside them when an instructor grades (never committed).
"""

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

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

# Feedback must never show hidden tests: ClearHiddenTests removes them from the cell source, and
# course.grading.feedback.ScrubHiddenTests (run first) cuts tracebacks and stderr of hidden-test
# cells to the error's own message, which cannot quote the test.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.grading.feedback.ScrubHiddenTests",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
