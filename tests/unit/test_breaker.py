"""The Redis circuit breaker: skip after a failure, one probe per cooldown, closed on success."""

from __future__ import annotations

from api.breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_failure_opens_it_for_the_cooldown_then_one_caller_probes():
    clock = Clock()
    breaker = CircuitBreaker("redis", cooldown=3.0, clock=clock)
    assert breaker.allow() and breaker.allow()  # closed: everyone tries
    breaker.failure(ConnectionError())
    assert breaker.is_open and not breaker.allow()
    clock.now += 2.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.allow()  # this caller probes …
    assert not breaker.allow()  # … the others keep skipping meanwhile
    breaker.failure(TimeoutError())  # the probe failed: another cooldown
    clock.now += 2.0
    assert not breaker.allow()
    clock.now += 1.5
    assert breaker.allow()
    breaker.success()
    assert not breaker.is_open and breaker.allow() and breaker.allow()


def test_an_outage_and_a_recovery_are_logged_once_each(caplog):
    breaker = CircuitBreaker("shared cache and rate-limit storage", clock=Clock())
    for _ in range(3):
        breaker.failure(ConnectionError())
    breaker.success()
    breaker.success()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "rate-limit storage unavailable (ConnectionError)" in messages[0]
    assert messages[1].endswith("is back")
