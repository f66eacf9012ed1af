"""iCal recurrence rules schedules (upgrade guide: "iCal recurrence rules schedules").

Nothing to migrate: ``RRuleClock`` (``prefect.schedules.clocks``) and ``RRuleSchedule``
arrived in Prefect 0.15.8 and are unchanged in 1.0; the section announces a new feature.
Existing interval and cron schedules keep working as they are.
"""

from __future__ import annotations

from prefect1_migrate.codemod import NoticeCodemod
from prefect1_migrate.guide import RRULE

CODEMOD = NoticeCodemod(
    __name__,
    title="iCal recurrence rules schedules",
    guide_section=RRULE,
    summary="Nothing to migrate: RRule clocks are a new feature (since 0.15.8); existing "
    "schedules are unchanged.",
    description=(
        "Nothing is rewritten for this section: RRuleClock and RRuleSchedule exist unchanged "
        "since Prefect 0.15.8 and no existing schedule type changed in 1.0. The one trap is "
        "covered elsewhere: prefect.schedules gained an __all__ in 1.0 that does not list "
        "RRuleClock, so star imports from prefect modules are flagged by the removed-API "
        "checks; import RRuleClock from prefect.schedules.clocks."
    ),
)
