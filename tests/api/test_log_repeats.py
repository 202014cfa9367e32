"""The log rate limiter (api/log_repeats.py), on a fake clock: the first N similar warnings of an interval pass,
the rest are counted and reported in one line before the next that passes."""

import logging

import pytest
import structlog

from api.log_repeats import SUMMARY_EVENT, RepeatFilter, RepeatLimiter, structlog_processor


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(clock):  # type: ignore[no-untyped-def]
    """A logger whose one handler rate-limits to 3 per 10 s."""
    handler = Collect()
    handler.addFilter(RepeatFilter(handler, RepeatLimiter(burst=3, interval_s=10, clock=clock)))
    logger = logging.getLogger("tests.log_repeats")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, handler
    logger.handlers.clear()


def test_similar_warnings_pass_up_to_the_burst_then_one_line_counts_the_rest(limited, clock):
    logger, out = limited
    for i in range(1000):
        logger.warning("socket.accept() failed for %s", f"10.0.0.{i % 250}")  # one template, varying arguments
    assert out.lines == [f"socket.accept() failed for 10.0.0.{i}" for i in range(3)]
    clock.now += 9.9
    logger.warning("socket.accept() failed for %s", "later")
    assert len(out.lines) == 3  # still the same interval
    clock.now += 0.1
    logger.warning("socket.accept() failed for %s", "next interval")
    assert out.lines[3:] == [
        "suppressed 998 similar messages (more than 3 in 10 s): socket.accept() failed for %s",
        "socket.accept() failed for next interval",
    ]


def test_messages_are_limited_apart_and_info_never(limited):
    logger, out = limited
    for _ in range(10):
        logger.warning("disk almost full")
        logger.error("disk almost full")  # another level: counted apart
        logger.warning("neo4j unreachable")
        logger.info("http.request")  # the access log is never limited
    assert out.lines.count("disk almost full") == 6
    assert out.lines.count("neo4j unreachable") == 3
    assert out.lines.count("http.request") == 10


def test_an_interval_with_nothing_suppressed_reports_nothing(limited, clock):
    logger, out = limited
    for _ in range(5):
        logger.warning("rare")
        clock.now += 60
    assert out.lines == ["rare"] * 5


def test_the_table_of_messages_stays_bounded(clock):
    limiter = RepeatLimiter(burst=1, interval_s=10, clock=clock, max_keys=100)
    for i in range(10_000):
        assert limiter.admit(("unique", i)) == (True, 0)
    assert len(limiter._windows) <= 100


def test_the_app_structlog_events_are_limited_the_same_way(clock):
    limit = structlog_processor(burst=2, interval_s=10, clock=clock)

    def log(method: str, event: str) -> bool:
        try:
            limit(None, method, {"event": event, "reference": "r"})
            return True
        except structlog.DropEvent:
            return False

    with structlog.testing.capture_logs() as captured:
        passed = [log("error", "graphql.internal_error") for _ in range(7)]
        assert passed == [True, True, False, False, False, False, False]
        assert [log("info", "http.request") for _ in range(5)] == [True] * 5
        assert captured == []
        clock.now += 10
        assert log("error", "graphql.internal_error")
    assert captured == [
        {
            "event": SUMMARY_EVENT,
            "similar_to": "graphql.internal_error",
            "count": 5,
            "burst": 2,
            "interval_s": 10,
            "log_level": "error",
        }
    ]
