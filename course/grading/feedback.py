"""An nbgrader feedback preprocessor that keeps hidden tests out of learners' feedback.

nbgrader's ``ClearHiddenTests`` removes the hidden region from a test cell's source, but a failing
hidden test still prints its own lines in the traceback (IPython shows the failing source line).
``ScrubHiddenTests`` runs before it and, in every cell that holds hidden tests, replaces each
traceback with its last line (``ErrorType: message``) and replaces stderr text, so nothing of the
hidden source can reach the feedback. The messages of ``course.check`` say what differs without
quoting the test.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from course.grading.cells import HIDDEN_BEGIN

__all__ = ["ScrubHiddenTests", "HIDDEN_STDERR_NOTE"]

HIDDEN_STDERR_NOTE = (
    "(A hidden test wrote to stderr; that scores the cell 0. The text is not shown.)\n"
)


class ScrubHiddenTests(Preprocessor):
    """Reduce the outputs of hidden-test cells to messages that cannot quote the tests."""

    enabled = Bool(True, help="on by default, like nbgrader's own preprocessors").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or HIDDEN_BEGIN not in cell.source:
            return cell, resources
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {output.evalue}"]
            elif output.output_type == "stream" and output.name == "stderr":
                output.text = HIDDEN_STDERR_NOTE
        return cell, resources
