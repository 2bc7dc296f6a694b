"""Forged score: a Mutex that keeps its value in a public attribute and whose class defines a
``__dict__`` property showing only private names. ``vars()`` asks the class, so the old probe
(``instance_attributes`` read ``vars(obj)``) saw no public attribute: +2 points. The probe now
reads the instance's own dict without running the class's code."""

CLASS = "forged"
HONEST = set()
EXPECT = {"mutex-public": 1.0, "mutex-hidden": 0.0}  # the public tests do not look at attributes
ANSWERS = {
    "mutex": """{solution}


class Mutex(Mutex):
    def __init__(self, value) -> None:
        self.value = value  # public: the rule says no public attribute may hold it
        self._lock = threading.Lock()

    @property
    def _value(self):
        return self.value

    @_value.setter
    def _value(self, new):
        self.value = new

    @property
    def __dict__(self):
        return {"_value": self.value, "_lock": self._lock}
""",
}
