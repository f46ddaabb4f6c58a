"""Which models are audited, and the signal handlers that write their entries.

A model is registered with `register(Model, territory=..., exclude=...)`. An entry is written
whenever a registered row is created, changed or deleted while a person is the current actor
(set by the middleware for a request, by `acting_as()` in commands and tasks).
Personal fields are listed in `exclude` and appear only as "(changed)", never with values.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest
from django.utils import translation

_actor: contextvars.ContextVar = contextvars.ContextVar("qiangji_audit_actor", default=None)

REDACTED = "（已隐藏）"


@dataclass
class _Options:
    territory: Callable[[models.Model], object | None]
    exclude: frozenset[str]
    redact: frozenset[str]


_registry: dict[type[models.Model], _Options] = {}


def current_actor():
    """Return the person whose writes are being made, or None (system work, anonymous)."""
    value = _actor.get()
    if value is None:
        return None
    if isinstance(value, HttpRequest):
        # Resolved lazily so that requests which write nothing never load the session.
        user = getattr(value, "user", None)
        return user if user is not None and user.is_authenticated else None
    return value


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Attribute the writes made inside the block to user."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(user):
    return _actor.set(user)


def reset_actor(token) -> None:
    _actor.reset(token)


def register(
    model: type[models.Model],
    *,
    territory: Callable[[models.Model], object | None] = lambda obj: None,
    exclude: tuple[str, ...] = (),
    redact: tuple[str, ...] = (),
) -> None:
    """Audit every create, update and delete of model made by a person."""
    _registry[model] = _Options(
        territory=territory,
        exclude=frozenset(exclude) | {"updated_at", "created_at", "path", "depth"},
        redact=frozenset(redact),
    )
    pre_save.connect(_remember_old_values, sender=model, dispatch_uid=f"audit-pre-{model}")
    post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model}")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-del-{model}")


def _plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _snapshot(instance: models.Model, options: _Options) -> dict:
    values = {}
    for f in instance._meta.concrete_fields:
        if f.name in options.exclude or f.primary_key:
            continue
        values[f.name] = _plain(getattr(instance, f.attname))
    return values


def _remember_old_values(sender, instance, raw=False, **kwargs) -> None:  # noqa: FBT002
    if raw or current_actor() is None or instance.pk is None:
        return
    options = _registry[sender]
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(old, options) if old is not None else None


def _territory_id(instance, options: _Options):
    territory = options.territory(instance)
    return getattr(territory, "pk", territory)


def _write(instance, action: str, changes: dict, options: _Options) -> None:
    from qiangji.audit.models import AuditEntry

    actor = current_actor()
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        territory_id=_territory_id(instance, options),
        changes=changes,
    )


def _redacted(changes: dict, options: _Options) -> dict:
    return {
        name: [REDACTED, REDACTED] if name in options.redact else pair
        for name, pair in changes.items()
    }


def _on_save(sender, instance, created, raw=False, **kwargs) -> None:  # noqa: FBT002
    if raw or current_actor() is None:
        return
    options = _registry[sender]
    after = _snapshot(instance, options)
    if created:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
        _write(instance, "create", _redacted(changes, options), options)
        return
    before = getattr(instance, "_audit_before", None) or {}
    changes = {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
    if changes:
        _write(instance, "update", _redacted(changes, options), options)
    instance._audit_before = after


def _on_delete(sender, instance, **kwargs) -> None:
    if current_actor() is None:
        return
    options = _registry[sender]
    instance._audit_deleted = True
    before = _snapshot(instance, options)
    changes = {name: [value, None] for name, value in before.items() if value not in (None, "")}
    _write(instance, "delete", _redacted(changes, options), options)


def record_event(
    *,
    instance: models.Model,
    note: str,
    changes: dict | None = None,
    note_args: dict | None = None,
) -> None:
    """Write an audit entry for an action that is not a plain save (e.g. closing a round).

    The note is written once, in the site's language (LANGUAGE_CODE) whoever acts, so the log
    reads in one language: pass a lazy msgid (`gettext_lazy`) and its `note_args`.
    """
    with translation.override(settings.LANGUAGE_CODE):
        note = str(note) % note_args if note_args else str(note)
    options = _registry.get(type(instance)) or _Options(lambda o: None, frozenset(), frozenset())
    from qiangji.audit.models import AuditEntry

    actor = current_actor()
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action="event",
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        territory_id=_territory_id(instance, options),
        changes=changes or {},
        note=note[:200],
    )
