"""Support package for the course "Engineering the big rewrites".

The package is laid out by who uses it:

- ``course.learner``: what learners import (strict checks, hints, data, plotting style);
- ``course.columnar`` (and one package per later module): that module's support code;
- ``course.authoring``: what authors run to build the course (lint, mutants, release, sync, lock);
- ``course.grading``: how submissions are run and scored, and feedback without hidden tests
  (the learner edition keeps only ``course.grading.inside``, which module 4's tests import);
- ``course.cli``: ``python -m course``: the authors' and instructors' command line.

Code is MIT licensed; see LICENSE. Course prose is CC-BY-4.0; see LICENSE-CONTENT.
"""

from course.learner.byhand import by_hand
from course.learner.checking import check, check_raises
from course.learner.hints import hint
from course.learner.paths import data_path
from course.learner.seeding import rng

__all__ = ["by_hand", "check", "check_raises", "data_path", "hint", "rng"]
__version__ = "0.1.0"
