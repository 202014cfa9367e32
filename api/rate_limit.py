"""A sliding-window rate limit per client, in this process's memory: enough for one form a person fills in (the
public complaints). Each replica counts for itself, so N replicas behind a balancer let N times as many through;
a shared limit would need a shared store."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `limit` events per `window_s` seconds per key. Keys whose events have all aged out are dropped
    once more than `max_keys` are tracked, then the longest-tracked ones, so memory stays bounded whoever calls."""

    def __init__(
        self, limit: int, window_s: float = 60.0, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ):
        self.limit, self.window_s, self.max_keys, self.clock = limit, window_s, max_keys, clock
        self._events: dict[str, deque[float]] = {}

    def acquire(self, key: str) -> int | None:
        """Count an event of `key` and return None when it is within the limit; else count nothing and return the
        whole seconds until the next one would be (for Retry-After)."""
        now = self.clock()
        events = self._events.get(key)
        if events is None:
            self._make_room(now)
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window_s:
            events.popleft()
        if len(events) >= self.limit:
            return max(1, math.ceil(events[0] + self.window_s - now))
        events.append(now)
        return None

    def _make_room(self, now: float) -> None:
        if len(self._events) < self.max_keys:
            return
        for key in [k for k, ev in self._events.items() if not ev or ev[-1] <= now - self.window_s]:
            del self._events[key]
        while len(self._events) >= self.max_keys:
            del self._events[next(iter(self._events))]
