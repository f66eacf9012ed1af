"""rrule-schedules: a notice, nothing to migrate; schedules, RRule clocks included, stay as
they are."""

from __future__ import annotations

from tests.codemods.tools import check_noop


def test_schedules_are_left_as_they_are() -> None:
    check_noop(
        "rrule-schedules",
        """\
from datetime import timedelta

from dateutil.rrule import DAILY, rrule
from prefect import Flow
from prefect.schedules import Schedule
from prefect.schedules.clocks import CronClock, IntervalClock, RRuleClock

schedule = Schedule(
    clocks=[
        RRuleClock(rrule(freq=DAILY, count=3)),
        CronClock("0 6 * * *"),
        IntervalClock(timedelta(hours=1)),
    ]
)
flow = Flow("scheduled", schedule=schedule)
""",
    )
