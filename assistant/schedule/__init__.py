"""Treatment schedules as data: a reviewed timeline per protocol, every step citing its source text."""

from assistant.schedule.answer import schedule_answer
from assistant.schedule.compute import ComputedSchedule, ComputedStep, compute_schedule, fmt_date, parse_date
from assistant.schedule.ics import to_calendar, write_ics
from assistant.schedule.load import Schedule, ScheduleStep, check_against, load_schedule, load_schedule_file
from assistant.schedule.spec import Duration, ScheduleSpec, StepSpec

__all__ = [
    "ComputedSchedule",
    "ComputedStep",
    "Duration",
    "Schedule",
    "ScheduleSpec",
    "ScheduleStep",
    "StepSpec",
    "check_against",
    "compute_schedule",
    "fmt_date",
    "load_schedule",
    "load_schedule_file",
    "parse_date",
    "schedule_answer",
    "to_calendar",
    "write_ics",
]
