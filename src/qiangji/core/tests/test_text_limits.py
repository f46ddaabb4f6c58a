"""Every text the platform stores or accepts has a stated length (`lib/limits.py`).

The walk covers every model field, every form field of every app's forms module and every
string of every API input schema. A field may stay unbounded only with a reason below.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.db import models

from qiangji.api import api
from qiangji.lib.tests.test_widgets import _project_form_classes

# field → why it may be unbounded
UNBOUNDED_WITH_REASON: dict[str, str] = {
    "ProgressIn.progress": "a Decimal (max_digits=5); the schema offers it as a string too",
}
# Form fields whose value is not free text the person types.
NOT_TEXT = (forms.UUIDField, forms.URLField, forms.EmailField, forms.SlugField)


def _model_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("qiangji."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField | models.CharField):
                yield f"{model._meta.label}.{field.name}", field


def test_every_model_text_field_has_a_max_length():
    unbounded = [
        name
        for name, field in _model_fields()
        if not field.max_length and name not in UNBOUNDED_WITH_REASON
    ]
    assert not unbounded, f"Give these a max_length from qiangji.lib.limits: {unbounded}"


def test_every_form_text_field_has_a_max_length():
    unbounded = []
    for form_class in _project_form_classes():
        for name, field in form_class.base_fields.items():
            label = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if isinstance(field, forms.CharField) and not isinstance(field, NOT_TEXT):
                if field.max_length is None and label not in UNBOUNDED_WITH_REASON:
                    unbounded.append(label)
    assert not unbounded, f"Give these a max_length from qiangji.lib.limits: {unbounded}"


def _unbounded_strings(schema: dict, components: dict, path: str, seen: set):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _unbounded_strings(components[name], components, name, seen)
        return
    if (
        schema.get("type") == "string"
        and "maxLength" not in schema
        and not ({"enum", "format", "const"} & schema.keys())
    ):
        yield path
    for key, value in schema.get("properties", {}).items():
        yield from _unbounded_strings(value, components, f"{path}.{key}", seen)
    for key in ("anyOf", "allOf", "oneOf"):
        for value in schema.get(key, []):
            yield from _unbounded_strings(value, components, path, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _unbounded_strings(schema[key], components, f"{path}[]", seen)


def _api_inputs():
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    for url, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {url}"
            for parameter in operation.get("parameters", []):
                yield from _unbounded_strings(
                    parameter.get("schema", {}), components, f"{where} ?{parameter['name']}", set()
                )
            for content in operation.get("requestBody", {}).get("content", {}).values():
                yield from _unbounded_strings(content.get("schema", {}), components, where, set())


def test_every_string_an_api_accepts_has_a_max_length():
    unbounded = sorted({p for p in _api_inputs() if p not in UNBOUNDED_WITH_REASON})
    assert not unbounded, f"Bound these with qiangji.lib.apitypes or limits: {unbounded}"


def test_the_walks_find_the_fields_they_check():
    assert any(name == "concerns.Concern.text" for name, _ in _model_fields())
    assert len(list(_project_form_classes())) > 10
    assert list(_unbounded_strings({"type": "string"}, {}, "x", set())) == ["x"]
