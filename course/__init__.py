"""Support package for the course: data, plotting style, hints and grading helpers.

Code is MIT licensed; see LICENSE. Course prose is CC-BY-4.0; see LICENSE-CONTENT.
"""

from course.grading import check, check_raises
from course.hints import hint
from course.paths import data_path
from course.seeding import rng

__all__ = ["check", "check_raises", "data_path", "hint", "rng"]
__version__ = "0.1.0"
