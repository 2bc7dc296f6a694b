"""Module 4's in-learner probes against hostile learner classes: an observation must not ask the
observed object's class (``vars()``, ``==``, ``is_alive()``, ``done()``, ``__str__``...).

Each test builds the class a submission could write, shows where relevant that the naive
observation is fooled by it, and checks that the probe is not (and that none of the class's code
ran while the probe looked).
"""

from __future__ import annotations

import _thread
import asyncio
import threading

import pytest

from course.concurrency.overlap import error_message, error_text, run_threads
from course.concurrency.probes import (
    attributes_holding,
    crawl_report,
    instance_attributes,
    run_counted,
    spawn_report,
)

# -- instance_attributes / attributes_holding (the Mutex's "no public attribute holds it") ---------


class _HidesDict:
    """The forgery that scored: ``value`` is public, ``__dict__`` says it is private."""

    def __init__(self, value):
        self.value = value
        self._lock = threading.Lock()

    @property
    def __dict__(self):
        return {"_value": self.value, "_lock": self._lock}


def test_a_dict_property_fools_vars_but_not_the_probe():
    m = _HidesDict("secret")
    assert "value" not in vars(m)  # the naive observation is fooled
    assert instance_attributes(m) == ["_lock", "value"]
    assert attributes_holding(m, "secret") == ["value"]


class _Logged:
    """Records every attribute looked up on an instance (``__getattribute__``)."""

    log: list = []

    def __getattribute__(self, name):
        _Logged.log.append(name)
        if name == "__dict__":
            return {}
        return object.__getattribute__(self, name)


class _HidesEverything(_Logged):
    def __init__(self, value):
        object.__setattr__(self, "value", value)


def test_the_probe_runs_no_code_of_the_class():
    m = _HidesEverything("secret")
    _Logged.log.clear()
    assert attributes_holding(m, "secret") == ["value"]
    assert _Logged.log == []


class _Base:
    pass


class _HidesDictOverABase(_Base):
    """The real ``__dict__`` descriptor lives on the base: the probe uses that one."""

    __dict__ = property(lambda self: {})

    def __init__(self, value):
        self.value = value


def test_the_real_dict_descriptor_of_a_base_is_used():
    assert attributes_holding(_HidesDictOverABase("x"), "x") == ["value"]


class _Meta(type):
    looked: list = []

    def __getattribute__(cls, name):
        _Meta.looked.append(name)
        return type.__getattribute__(cls, name)


class _HidesDictWithAMetaclass(metaclass=_Meta):
    __dict__ = property(lambda self: {})

    def __init__(self, value):
        self.value = value


def test_a_class_that_cannot_be_read_safely_is_refused_not_believed():
    m = _HidesDictWithAMetaclass("x")
    _Meta.looked.clear()
    with pytest.raises(TypeError, match="cannot be read without running its class's code"):
        attributes_holding(m, "x")
    assert _Meta.looked == []


class _Slotted:
    __slots__ = ("_value", "_lock", "shown")

    def __init__(self, value, shown):
        self._value, self._lock = value, threading.Lock()
        if shown:
            self.shown = value


def test_slots_are_read_too():
    # vars() of a slotted object raises TypeError: an honest slotted Mutex lost the points
    with pytest.raises(TypeError):
        vars(_Slotted("x", False))
    assert instance_attributes(_Slotted("x", False)) == ["_lock", "_value"]
    assert attributes_holding(_Slotted("x", True), "x") == ["_value", "shown"]


class _Lies(str):
    def __eq__(self, other):
        return False

    __hash__ = str.__hash__

    def __str__(self):
        return "_private"


def test_a_lying_str_is_read_as_its_text():
    m = _HidesDict("placeholder")
    m.value = _Lies("secret")  # its __eq__ says it is not the value
    m.__class__.__dict__  # noqa: B018 - the class itself is untouched
    assert attributes_holding(m, "secret") == ["value"]
    plain = _Base()
    plain.__dict__[_Lies("shown")] = "secret"  # a key whose __str__ says "_private"
    assert attributes_holding(plain, "secret") == ["shown"]


class _SpoofsClass:
    @property
    def __class__(self):
        return dict

    def __init__(self):
        self.value = 1


def test_a_spoofed_class_changes_nothing():
    assert isinstance(_SpoofsClass(), dict)  # isinstance asks __class__
    assert attributes_holding(_SpoofsClass(), 1) == ["value"]


# -- run_counted: threads left behind --------------------------------------------------------------


class _NeverAlive(threading.Thread):
    def is_alive(self):
        return False


class _EqualToAll(threading.Thread):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return hash(threading.main_thread())


@pytest.mark.parametrize("kind", [_NeverAlive, _EqualToAll, "start_new_thread"])
def test_a_thread_left_waiting_is_counted_whatever_its_class_says(kind):
    stop, started = threading.Event(), threading.Event()

    def waits():
        started.set()
        stop.wait()

    def leaks():
        if kind == "start_new_thread":
            _thread.start_new_thread(waits, ())
        else:
            kind(target=waits, daemon=True).start()
        started.wait(5)  # a raw thread runs Python code (and is listed) only once it has started
        return "done"

    try:
        report = run_counted(leaks, (), timeout=5)
        assert report["result"] == "done"
        assert report["threads_left"] == 1
    finally:
        stop.set()


def test_threads_that_ended_are_not_counted():
    def joined():
        threads = [threading.Thread(target=lambda: None) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert run_counted(joined, (), timeout=5)["threads_left"] == 0


# -- error text: the exception's class does not write it -------------------------------------------


class _NamedMeta(type):
    @property
    def __name__(cls):
        return "KeyError"


class _Posing(Exception, metaclass=_NamedMeta):
    called = 0

    def __str__(self):
        _Posing.called += 1
        return "'job 3'"


def test_error_text_is_read_from_args_not_from_the_class():
    assert (type(_Posing()).__name__, str(_Posing("x"))) == ("KeyError", "'job 3'")
    _Posing.called = 0
    (report,) = run_threads([(lambda: (_ for _ in ()).throw(_Posing("no")), ())], timeout=5)
    assert report["error"] == "_Posing (Exception): no"
    assert _Posing.called == 0
    assert error_text(KeyError("job 3")) == "KeyError: 'job 3'"
    assert error_text(ValueError("a", 2)) == "ValueError: ('a', 2)"
    assert error_message(ValueError(object())) == "<a message that is not plain data>"


# -- crawl_report: tasks left, fetch's record, the error -------------------------------------------


class _LooksDone(asyncio.Task):
    def done(self):
        return True

    def get_loop(self):
        return None


class _PosingValueError(ValueError):
    def __str__(self):
        return "cannot fetch bb"


def test_a_task_that_says_it_is_done_is_still_left():
    async def crawl(urls, fetch, limit):
        _LooksDone(asyncio.sleep(1000))  # never awaited, never cancelled
        return [await fetch(u) for u in urls]

    report = crawl_report(crawl, ["a", "bb"], 1, seed=0)
    assert report["result"] == ["A", "BB"]
    assert report["left"] == 1


def test_the_crawl_cannot_write_the_fetch_record_or_the_error():
    async def crawl(urls, fetch, limit):
        fetch.most, fetch.cleaned = limit, list(urls)  # attributes of a function: not the record
        raise _PosingValueError("something else")

    report = crawl_report(crawl, ["a", "bb"], 2, fail=["bb"], seed=0)
    assert report["error"] == "something else"
    assert (report["most"], report["cleaned"], report["started"]) == (0, [], [])


def test_fetch_reads_a_url_as_its_text():
    class Short(str):
        def __len__(self):
            return 0

        def upper(self):
            return "FORGED"

    async def crawl(urls, fetch, limit):
        return [await fetch(Short(u)) for u in urls]

    report = crawl_report(crawl, ["abc"], 1, seed=0)
    assert report["result"] == ["ABC"]


# -- spawn_report: the tasks kept, not what spawn returned -----------------------------------------

_hoard: list = []


def test_kept_counts_the_tasks_that_ran_the_jobs():
    def spawn(coro):
        _hoard.append(asyncio.ensure_future(coro))  # kept for ever: the leak the test catches
        return asyncio.ensure_future(asyncio.sleep(0))  # a decoy that finishes and is dropped

    try:
        report = spawn_report(spawn, 4, seed=0)
    finally:
        _hoard.clear()
    assert report == {"finished": [0, 1, 2, 3], "kept": 4}
