"""How submissions are graded: running and scoring notebooks, and the feedback preprocessor that
keeps hidden tests out of what learners see.
"""
