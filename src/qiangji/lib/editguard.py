"""Refuse a save made on a stale copy: two people editing the same object at the same moment.

An edit form carries, in a hidden field, the `updated_at` of the row as it was loaded. Saving
locks the row and compares: when someone else saved in between, the save is refused, the
form shows what they saved and answers 409, and the hidden field moves on to their version,
so saving again (after reading their values) overwrites on purpose. Nothing is dropped
silently. Plans, implementation items, tickets, hot issues and briefings keep their own
version columns (they merge or show a diff); simple record forms use this.

    class TerritoryForm(GuardedForm, forms.ModelForm): ...

    form = TerritoryForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid() and save_unless_stale(form):
        return redirect(...)
    return render(request, "…", {"form": form}, status=edit_status(form))
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

FIELD = "loaded_version"


def version_of(obj) -> str:
    """Return the token of a row as saved: its `updated_at`, to the microsecond."""
    stamp = getattr(obj, "updated_at", None)
    return stamp.isoformat() if stamp else ""


class GuardedForm(forms.Form):
    """Mix into a ModelForm whose model has `updated_at` (auto_now) to carry the loaded version."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale = False
        if self.instance.pk:
            self.fields[FIELD].initial = version_of(self.instance)


class _VersionOnly(GuardedForm, forms.ModelForm):
    pass


def version_form(instance, data=None, *, prefix: str = "version"):
    """Return a form carrying only the loaded version of `instance`.

    For a page that edits rows belonging to it through a formset (a programme's phases, its
    statuses): `save_unless_stale(version, save)` checks it, saves, and moves its version on.
    """
    form_class = forms.modelform_factory(type(instance), form=_VersionOnly, fields=())
    return form_class(data, instance=instance, prefix=prefix)


def _shown(form, field: str, value) -> str:
    """Return a field's value as a person reads it (a choice's label, a date, a list)."""
    bound = form.fields.get(field)
    if hasattr(value, "all"):
        return "、".join(str(v) for v in value.all()) or "—"
    choices = dict(getattr(bound, "choices", ()) or ())
    if value in choices:
        return str(choices[value])
    if value in (None, ""):
        return "—"
    if hasattr(value, "year"):
        return str(formats.localize(value))
    return str(value)


def save_unless_stale(form, save: Callable[[], object] | None = None) -> bool:
    """Save a valid bound form unless its row changed since it was loaded; return whether saved.

    The row is locked for the comparison and the save (`save`, default `form.save()`), in one
    transaction. A form posted without the hidden field (an old page, a script) is saved as
    before. When refused, the form carries an error naming what the other person saved.
    """
    instance = form.instance
    model = type(instance)
    seen = form.cleaned_data.get(FIELD) or ""
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if FIELD not in form.data and form.add_prefix(FIELD) not in form.data:
            seen = version_of(current)
        if seen == version_of(current):
            (save or form.save)()
            if not form._meta.fields:  # a version-only form: the rows saved were its object's
                model._default_manager.filter(pk=instance.pk).update(updated_at=timezone.now())
            return True
    form.stale = True
    theirs = []
    for name in form.fields:
        if name == FIELD or not hasattr(current, name):
            continue
        value = getattr(current, name)
        mine = form.cleaned_data.get(name)
        if hasattr(value, "all") or value != mine:
            label = form.fields[name].label or name
            if hasattr(value, "all") and set(value.all()) == set(mine or ()):
                continue
            theirs.append(f"{label}{pgettext('label separator', ': ')}{_shown(form, name, value)}")
    when = formats.date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT")
    if theirs:
        message = _(
            "Someone else saved this at %(when)s, after you opened it; your changes were not"
            " saved. Their version: %(theirs)s. Check it, then save again to replace it with"
            " yours."
        ) % {"when": when, "theirs": "; ".join(theirs)}
    else:
        message = _(
            "Someone else saved this at %(when)s, after you opened it; your changes were not"
            " saved. Reload the page to see theirs, or save again to replace them with yours."
        ) % {"when": when}
    form.add_error(None, message)
    # Saving again replaces their version on purpose: the form now carries it.
    data = form.data.copy()
    data[form.add_prefix(FIELD)] = version_of(current)
    form.data = data
    return False


def edit_status(form) -> int:
    """Return the status of an edit page: 409 when a save was refused as stale, else 200."""
    return 409 if getattr(form, "stale", False) else 200
