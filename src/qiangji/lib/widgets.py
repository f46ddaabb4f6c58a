"""Date and time inputs that browsers can read, whatever the interface language.

`<input type="date">` accepts only ISO values (2026-02-01); Django formats a widget's value
with the active language's first input format (zh-Hans: 2026/02/01), which a browser shows
as an empty field and submits empty — saving a form unchanged then erased its dates. Every
form of the project uses these widgets for dates and times; `lib/tests/test_widgets.py` walks
every form and fails on a date or time input rendered any other way.
"""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """Return an `<input type="date">` whose value is always ISO (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    """Return an `<input type="time">` whose value is always HH:MM."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_TIME)


class DateTimeLocalInput(forms.DateTimeInput):
    """Return an `<input type="datetime-local">` whose value is always YYYY-MM-DDTHH:MM."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)
