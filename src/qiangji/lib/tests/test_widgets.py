"""Every date and time input of every form renders a value the browser can read."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django import forms
from django.apps import apps
from django.utils import translation

from qiangji.lib import widgets

BROWSER_TYPES = {"date", "time", "datetime-local"}
SAMPLE = {
    "date": (dt.date(2026, 2, 1), 'value="2026-02-01"'),
    "time": (dt.time(9, 5), 'value="09:05"'),
    "datetime-local": (dt.datetime(2026, 2, 1, 9, 5, tzinfo=dt.UTC), 'value="2026-02-01T09:05"'),
}


def _project_form_classes() -> list[type]:
    found: list[type] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("qiangji."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.forms":
                raise
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                found.append(value)
            elif isinstance(value, type) and issubclass(value, forms.BaseFormSet):
                if hasattr(value, "form"):  # a factory-made formset, not a base class
                    found.append(value.form)
    return found


def _browser_inputs():
    for form_class in _project_form_classes():
        for name, field in form_class.base_fields.items():
            widget = field.widget
            kind = widget.attrs.get("type") or getattr(widget, "input_type", None)
            if kind in BROWSER_TYPES:
                yield f"{form_class.__module__}.{form_class.__name__}.{name}", widget, kind


def test_the_project_has_date_and_time_inputs_to_check():
    kinds = {kind for _, _, kind in _browser_inputs()}
    assert kinds == BROWSER_TYPES


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_and_time_input_renders_iso_values_in_every_language(language):
    wrong = []
    with translation.override(language):
        for where, widget, kind in _browser_inputs():
            value, expected = SAMPLE[kind]
            html = widget.render("field", value)
            if expected not in html or f'type="{kind}"' not in html:
                wrong.append(f"{where}: {html}")
            if not isinstance(
                widget, widgets.DateInput | widgets.TimeInput | widgets.DateTimeLocalInput
            ):
                wrong.append(f"{where}: use qiangji.lib.widgets, not {type(widget).__name__}")
    assert not wrong, "\n".join(wrong)
