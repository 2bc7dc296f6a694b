"""What instructors and authors run to build the course: the notebook model, the authoring lint,
mutants and alternatives, the nbgrader release, jupytext pairing and the pinned environment.
"""
