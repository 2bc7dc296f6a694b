"""The course's fixes to nbgrader's messages (fast checks; the round trip runs them for real)."""

from __future__ import annotations

from course.grading.nbgrader_fixes import (
    TEMPLATE_DIR,
    TEMPLATE_FILE,
    label_test_cells,
    released_source,
)


def test_released_source_drops_the_hidden_region_only():
    source = (
        "check(f(1), 2)\n# Hidden tests\n### BEGIN HIDDEN TESTS\nsecret()\n"
        "### END HIDDEN TESTS\nok()"
    )
    assert released_source(source) == "check(f(1), 2)\n# Hidden tests\nok()"
    assert released_source("plain") == "plain"


def test_feedback_summary_labels():
    page = (
        '<li><a href="#count-by-host-public">Test cell</a> (Score: 1.0 / 1.0)</li>'
        '<li><a href="#count-by-host-hidden">Test cell</a></li>'
        '<li><a href="#odd">Test cell</a></li>'
    )
    assert label_test_cells(page) == (
        '<li><a href="#count-by-host-public">count-by-host: public tests</a>'
        " (Score: 1.0 / 1.0)</li>"
        '<li><a href="#count-by-host-hidden">count-by-host: hidden tests</a></li>'
        '<li><a href="#odd">odd</a></li>'
    )


def test_feedback_template_is_in_the_package():
    assert (TEMPLATE_DIR / "feedback" / TEMPLATE_FILE).is_file()
