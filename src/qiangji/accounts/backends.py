"""Login by username or mobile number, with a lockout after repeated failures.

Every login path (the site's form, /admin/login/, anything that calls `authenticate`) comes
through `UsernameOrMobileBackend`, so the lockout is counted here, once, for all of them:

- the lock is keyed on the account (`user:<pk>`), not on the typed text: after five wrong
  passwords for `keershan` the right password typed as the account's mobile is refused too;
- an attempt is counted *before* its password is checked, in one locked row update, so
  forty parallel wrong tries make exactly five password checks, not eight;
- a per-client throttle (`lib.ratelimit`, shared by every worker) stops one address from
  trying many accounts; unknown names count against the client only;
- a locked person is told how to get in: wait, or ask an administrator to unlock them
  (`accounts:person` has an 解锁 button; `do_unlock`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qiangji.accounts.models import LoginLock, User
from qiangji.lib.ratelimit import Limit, client_key


def normalise_identifier(identifier: str) -> str:
    return (identifier or "").strip().lower()


def find_account(identifier: str) -> User | None:
    """Return the account a typed username or mobile number names, or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return (
        User.objects.filter(Q(username__iexact=identifier) | Q(mobile=identifier))
        .order_by("pk")
        .first()
    )


def _lock_key(user: User) -> str:
    return f"user:{user.pk}"


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def client_limit() -> Limit:
    """The failed logins one client address may make per lockout window, over all accounts."""
    return Limit(
        "login-client", settings.LOGIN_CLIENT_FAILURES, settings.LOGIN_LOCKOUT_MINUTES * 60
    )


def account_locked_until(user: User | None) -> dt.datetime | None:
    """Return when the lock on this account ends, or None when it is not locked."""
    if user is None:
        return None
    lock = LoginLock.objects.filter(identifier=_lock_key(user)).first()
    if lock and lock.locked_until and lock.locked_until > timezone.now():
        return lock.locked_until
    return None


def locked_until(identifier: str) -> dt.datetime | None:
    """Return when the lock on the account this username or mobile names ends, or None."""
    return account_locked_until(find_account(identifier))


def client_blocked(request) -> bool:
    """Return whether this client address made too many failed logins lately."""
    return request is not None and client_limit().exceeded(client_key(request))


def _reserve_attempt(user: User) -> bool:
    """Count an attempt on the account before its password is checked; False when locked.

    The row is locked (SELECT … FOR UPDATE; on SQLite the write transaction is IMMEDIATE),
    so concurrent attempts are counted one after another.
    """
    now = timezone.now()
    with transaction.atomic():
        lock, _created = LoginLock.objects.select_for_update().get_or_create(
            identifier=_lock_key(user)
        )
        if lock.locked_until and lock.locked_until > now:
            return False
        if lock.first_failure_at is None or now - lock.first_failure_at > _window():
            lock.failures, lock.first_failure_at, lock.locked_until = 0, now, None
        lock.failures += 1
        if lock.failures >= settings.LOGIN_LOCKOUT_FAILURES:
            lock.locked_until = now + _window()
        lock.save()
    return True


def clear_account(user: User) -> None:
    """Forget the account's failed attempts (after a right password, or an admin's unlock)."""
    LoginLock.objects.filter(identifier=_lock_key(user)).delete()


def do_unlock(*, user: User) -> bool:
    """Unlock an account; return whether it was locked."""
    was_locked = account_locked_until(user) is not None
    clear_account(user)
    return was_locked


class UsernameOrMobileBackend(ModelBackend):
    """Authenticate with a username or an 11-digit mobile number and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if client_blocked(request):
            raise PermissionDenied  # Django sends user_login_failed and answers "wrong"
        user = find_account(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            self._client_failed(request)
            return None
        if not _reserve_attempt(user):
            self._client_failed(request)
            raise PermissionDenied
        if user.check_password(password) and self.user_can_authenticate(user):
            clear_account(user)
            return user
        self._client_failed(request)
        return None

    @staticmethod
    def _client_failed(request) -> None:
        if request is not None:
            client_limit().hit(client_key(request))
