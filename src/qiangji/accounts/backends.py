"""Login by username or mobile number, with a lockout after repeated failures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F, Q
from django.utils import timezone

from qiangji.accounts.models import LoginLock, User


def normalise_identifier(identifier: str) -> str:
    return (identifier or "").strip().lower()


def locked_until(identifier: str) -> dt.datetime | None:
    """Return when the lock on this identifier ends, or None when it is not locked."""
    lock = LoginLock.objects.filter(identifier=normalise_identifier(identifier)).first()
    if lock and lock.locked_until and lock.locked_until > timezone.now():
        return lock.locked_until
    return None


def record_failure(identifier: str) -> None:
    """Count a failed login; lock the identifier once the failures reach the limit."""
    key = normalise_identifier(identifier)
    if not key:
        return
    now = timezone.now()
    window = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    lock, _created = LoginLock.objects.get_or_create(identifier=key)
    if lock.first_failure_at is None or now - lock.first_failure_at > window:
        LoginLock.objects.filter(pk=lock.pk).update(
            failures=1, first_failure_at=now, locked_until=None
        )
        return
    LoginLock.objects.filter(pk=lock.pk).update(failures=F("failures") + 1)
    lock.refresh_from_db()
    if lock.failures >= settings.LOGIN_LOCKOUT_FAILURES:
        LoginLock.objects.filter(pk=lock.pk).update(locked_until=now + window)


def clear_failures(identifier: str) -> None:
    LoginLock.objects.filter(identifier=normalise_identifier(identifier)).delete()


class UsernameOrMobileBackend(ModelBackend):
    """Authenticate with a username or an 11-digit mobile number and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        identifier = username.strip()
        if locked_until(identifier):
            return None
        user = (
            User.objects.filter(Q(username__iexact=identifier) | Q(mobile=identifier))
            .order_by("pk")
            .first()
        )
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
