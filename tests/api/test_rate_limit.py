"""The in-process sliding-window limit of the public complaints (api/rate_limit.py), on an injected clock."""

from api.rate_limit import SlidingWindowLimiter


def test_the_limiter_allows_the_limit_per_window_and_says_when_to_retry():
    now = [100.0]
    limiter = SlidingWindowLimiter(3, 60.0, clock=lambda: now[0])
    assert [limiter.acquire("a") for _ in range(3)] == [None, None, None]
    assert limiter.acquire("a") == 60 and limiter.acquire("b") is None  # per key
    now[0] += 59.5
    assert limiter.acquire("a") == 1
    now[0] += 0.5  # the first three age out together
    assert limiter.acquire("a") is None


def test_the_limiter_keeps_a_bounded_number_of_clients():
    now = [0.0]
    limiter = SlidingWindowLimiter(1, 60.0, max_keys=100, clock=lambda: now[0])
    for i in range(1000):
        limiter.acquire(f"client-{i}")
    assert len(limiter._events) <= 100
    now[0] += 61
    limiter.acquire("late")
    assert len(limiter._events) <= 100
