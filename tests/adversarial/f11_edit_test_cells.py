"""Forged score: every test cell's source is replaced with a cell that passes."""

CLASS = "forged"
HONEST = {"bucket-start"}
ANSWERS = {"bucket-start": "{solution}"}


def tamper(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "print('public tests passed')"
