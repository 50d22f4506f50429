"""Calendar arithmetic of the follow-up's schedules."""

import calendar
from datetime import date


def months_after(day: date, months: int) -> date:
    """The same day so many months later, or the month's last day when it has fewer."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
