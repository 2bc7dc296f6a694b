"""Resource: the learner's process stops reading the channel, then a 2 MB cell must be sent.

After the last test, a cell of the learner's own makes its process's channel reader wait for
ever before it reads the next message's body, and the next cell holds 2 MB of text: the judge
must write that cell's source (2 MB) into a pipe of 64 KB that nobody empties. A blocking write
never returned, and the class never finished; the request's deadline covers sending it, so the
cell runs out of time, the half-written channel is closed and the grading goes on. Every
exercise is honest: the attack comes after the tests.
"""

import nbformat

CLASS = "resource"
HONEST = {"mean-of-valid", "count-by-host", "bucket-start", "rolling-mean"}
ANSWERS = {name: "{solution}" for name in HONEST}

STOP_READING = """import gc
import threading

from course.grading.rpc import Endpoint

_forever = threading.Event()
for _endpoint in [o for o in gc.get_objects() if isinstance(o, Endpoint)]:
    # the reader finishes the read it is in (the next message's length), then waits for ever
    _endpoint._read_exact = lambda n: _forever.wait()
"""

BIG_CELL = "# " + "x" * (2 << 20) + "\nprint('never run')\n"


def tamper(nb):
    nb.cells.append(nbformat.v4.new_code_cell(STOP_READING))
    nb.cells.append(nbformat.v4.new_code_cell(BIG_CELL))
