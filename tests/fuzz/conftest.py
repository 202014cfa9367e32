"""Fuzzing in the suite, bounded: few examples, no per-example deadline (a shared machine is slow at times); in CI the
examples are derandomized, so a run that passed passes again, and a failure found locally is kept in .hypothesis/."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "suite",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("ci", parent=settings.get_profile("suite"), derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "suite")
