"""The collector pause around the statistics computation (apps/core/collector.py)."""

import gc
import threading

import pytest

from apps.absence.statistics.cache import cached
from apps.core.collector import collector_paused


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after_the_outermost_block(collector_on):
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block is still running
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_error(collector_on):
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_process_that_had_the_collector_off_keeps_it_off(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
    gc.enable()


def test_with_threads_it_resumes_when_the_last_block_ends(collector_on):
    inside, release = threading.Event(), threading.Event()

    def other():
        with collector_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's block is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()


@pytest.mark.django_db
def test_statistics_are_computed_with_the_collector_paused(collector_on, org):
    seen = []
    assert cached("test", org, lambda: seen.append(gc.isenabled()) or 1, "x") == 1
    assert seen == [False] and gc.isenabled()
