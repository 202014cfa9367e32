"""Pacing of list answers, so that one large GraphQL answer does not hold the event loop for seconds.

graphql-core builds an answer level by level: when a level's batched load returns, every list waiting on it is
completed in the same event-loop iteration, and asyncio runs them all before it looks at a socket again. On data
set S the issue-9 query, stopped by the object cap at 20 000 objects, held one iteration for 6.5 s while /healthz
waited unread. Here each navigation list takes a turn before it is built: at most PER_TICK list items go on per
iteration, the rest in the next ones, and other requests are served in between (the same query: longest
iteration 0.7 s). A request alone loses nothing measurable: the iterations follow one another at once.
"""

from __future__ import annotations

import asyncio
from collections import deque

PER_TICK = 1000  # list items per loop iteration


class Pacer:
    """One per event loop: the list items already let through in this iteration, and the lists waiting."""

    def __init__(self, loop: asyncio.AbstractEventLoop, per_tick: int = PER_TICK):
        self.loop = loop
        self.per_tick = per_tick
        self.spent = 0
        self.waiting: deque[tuple[asyncio.Future[None], int]] = deque()
        self.ticking = False

    async def turn(self, items: int) -> None:
        """Wait, if need be, until a list of `items` may be built in this iteration."""
        if not self.ticking:
            self.ticking = True
            self.loop.call_soon(self._tick)
        if self.spent < self.per_tick and not self.waiting:
            self.spent += items
            return
        turn = self.loop.create_future()
        self.waiting.append((turn, items))
        await turn

    def _tick(self) -> None:
        """Once per iteration while lists wait: a new allowance, and the lists it lets go on."""
        self.spent = 0
        while self.waiting and self.spent < self.per_tick:
            turn, items = self.waiting.popleft()
            if not turn.done():  # a cancelled request's list is dropped
                turn.set_result(None)
                self.spent += items
        if self.waiting or self.spent:
            self.loop.call_soon(self._tick)
        else:
            self.ticking = False


_pacers: dict[asyncio.AbstractEventLoop, Pacer] = {}


def pacer() -> Pacer:
    loop = asyncio.get_running_loop()
    if loop not in _pacers:
        _pacers.clear()  # a loop that is gone (tests) holds nothing worth keeping
        _pacers[loop] = Pacer(loop)
    return _pacers[loop]
