"""``python -m course``: see :mod:`course.cli`."""

import sys

if __name__ == "__main__":  # importing this module (as a class name, say) must start nothing
    from course.cli import main

    sys.exit(main())
