"""Background steps (a lease's renewal, a capture's heartbeat): they repeat while the body runs, a failing step
does not end them or the body, and they stop when the body ends."""

from __future__ import annotations

import asyncio

import pytest

from graph.background import repeated


async def test_a_step_repeats_while_the_body_runs_and_stops_with_it():
    steps: list[int] = []

    async def step() -> None:
        steps.append(len(steps))

    async with repeated(0.01, step, name="test"):
        await asyncio.sleep(0.1)
    seen = len(steps)
    await asyncio.sleep(0.05)
    assert seen >= 3
    assert len(steps) == seen  # none after the body ended


async def test_a_failing_step_does_not_stop_the_next_one():
    calls = 0

    async def step() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("connection reset")

    async with repeated(0.01, step, name="test"):
        await asyncio.sleep(0.1)
    assert calls >= 3


async def test_the_body_s_error_is_raised_as_it_was():
    async def step() -> None:
        pass

    with pytest.raises(KeyError):
        async with repeated(0.01, step, name="test"):
            raise KeyError("body")
