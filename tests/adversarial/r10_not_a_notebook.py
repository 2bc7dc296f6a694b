"""Malformed: the submitted file is not JSON at all (scored 0 with a clear message)."""

CLASS = "resource"
HONEST = set()
ANSWERS = {}
RAW = b"\x89PNG\r\n\x1a\n this is not a notebook {{{"
