"""Import nbformat without building a URI grammar nobody uses: saves 0.85 s per grading process.

``nbformat`` imports ``jsonschema``, whose format checker imports ``rfc3987_syntax`` if it is
installed (it is, for ``jupyter_events``), and that module builds a Lark parser for RFC 3987 at
import time: 0.85 of the 1.8 seconds the grader's processes spent importing. The notebook
schema uses no ``iri`` format, so the grader's own processes (the class driver, its fork
server and the judge) mark the module as absent before anything imports ``jsonschema``:
``jsonschema`` then simply has no ``iri`` checker. Learners' kernels and Jupyter never import
this module. Code is MIT licensed.
"""

from __future__ import annotations

import sys

if "jsonschema._format" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
