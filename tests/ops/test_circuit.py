"""The database circuit breaker: fail fast after a failed connection, one background attempt per window."""

import threading

import pytest

from ops.circuit import CircuitBreaker


@pytest.fixture
def breaker(settings):
    settings.DATABASE_RETRY_SECONDS = 0
    return CircuitBreaker("Test database")


def probe_that(result):
    """A probe that records each call and succeeds or fails as told; `done` is set when it returns."""
    calls, done = [], threading.Event()

    def probe():
        calls.append(1)
        try:
            if isinstance(result, Exception):
                raise result
        finally:
            done.set()

    return probe, calls, done


def test_a_breaker_starts_closed(breaker):
    assert not breaker.is_open()


def test_after_a_failure_attempts_fail_at_once_until_the_wait_is_over(settings):
    settings.DATABASE_RETRY_SECONDS = 60
    breaker = CircuitBreaker("Test database")
    probe, calls, _done = probe_that(None)
    breaker.trip(probe)
    assert breaker.is_open() and breaker.is_open()
    assert calls == [], "no attempt before the wait is over"


def test_when_the_wait_is_over_one_background_attempt_closes_the_breaker_if_it_connects(breaker):
    probe, calls, done = probe_that(None)
    breaker.trip(probe)
    assert breaker.is_open(), "the request that starts the attempt does not wait for it"
    assert done.wait(5)
    for _ in range(100):
        if not breaker.is_open():
            break
        threading.Event().wait(0.01)
    assert not breaker.is_open()
    assert calls == [1]


def test_a_background_attempt_that_fails_keeps_the_breaker_open(breaker, settings):
    probe, calls, done = probe_that(OSError("still hung"))
    breaker.trip(probe)
    settings.DATABASE_RETRY_SECONDS = 60
    assert breaker.is_open()
    assert done.wait(5)
    for _ in range(100):
        if not breaker._probing:
            break
        threading.Event().wait(0.01)
    assert breaker.is_open() and breaker.is_open()
    assert calls == [1], "one attempt per window, however many requests ask"


def test_a_connection_that_works_closes_the_breaker(breaker):
    breaker.trip(lambda: None)
    breaker.close()
    assert not breaker.is_open()
