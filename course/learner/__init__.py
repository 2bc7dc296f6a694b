"""What learners import: strict checks, hints, data, seeded randomness and the plotting style.

Notebooks reach the everyday names from the top level (``course.check``, ``course.hint``,
``course.rng``, ``course.data_path``); the submodules hold the rest.
"""
