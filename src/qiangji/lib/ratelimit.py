"""Shared rate limits: one counter for every worker, and the client's real address.

The counter lives in Redis when `REDIS_URL` is configured (the default cache is then Redis)
and otherwise in the database (`core.RateCounter`, one atomic upsert per hit). Django's
default local-memory cache is per process, so with several gunicorn workers each had its own
count (an outside test stored 10 of 20 posts against a limit of 5).

Behind a reverse proxy every request comes from the proxy's address. `client_address` trusts
`X-Forwarded-For` only when the request comes from an address listed in `TRUSTED_PROXIES`
(settings, from the environment; see docs/deploy.md), and then takes the right-most address
that is not itself a trusted proxy — the left part of the header is whatever the client sent.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import cache as default_cache
from django.db import connection, transaction
from django.http import HttpRequest

# Cache backends that every worker shares; any other (local memory, dummy) is not a counter.
SHARED_CACHES = {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = _trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """Return the address of the person making the request (through trusted proxies only)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed header: count it against the proxy, not nobody
    return remote


def client_key(request: HttpRequest) -> str:
    """Return a short hash of the client's address, for counter keys (no address stored)."""
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:24]


def _uses_shared_cache() -> bool:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return backend in SHARED_CACHES


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `seconds` for one key in a named scope."""

    scope: str
    count: int
    seconds: int

    def _key(self, key: str) -> tuple[str, int]:
        window = int(time.time() // self.seconds)
        return f"rl:{self.scope}:{key}:{window}", (window + 1) * self.seconds

    def hit(self, key: str) -> int:
        """Count one hit and return the count in the current window, this hit included."""
        name, ends = self._key(key)
        if _uses_shared_cache():
            if default_cache.add(name, 1, self.seconds + 1):
                return 1
            try:
                return default_cache.incr(name)
            except ValueError:  # expired between add and incr
                default_cache.add(name, 1, self.seconds + 1)
                return 1
        return _db_hit(name, ends)

    def used(self, key: str) -> int:
        """Return the hits counted in the current window."""
        name, _ends = self._key(key)
        if _uses_shared_cache():
            return int(default_cache.get(name) or 0)
        from qiangji.core.models import RateCounter

        return RateCounter.objects.filter(key=name).values_list("count", flat=True).first() or 0

    def exceeded(self, key: str) -> bool:
        """Return whether the key already used up its hits in this window."""
        return self.used(key) >= self.count

    def retry_after(self) -> int:
        """Return the seconds until the current window ends."""
        return max(1, int(self.seconds - time.time() % self.seconds))


def _db_hit(name: str, ends: int) -> int:
    from qiangji.core.models import RateCounter

    q = connection.ops.quote_name
    table, key, count, expires = (
        q(RateCounter._meta.db_table),
        q("key"),
        q("count"),
        q("expires_at"),
    )
    # One statement, atomic on both SQLite (3.35+) and PostgreSQL: no lost updates.
    sql = (
        f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [name, ends])
        return cursor.fetchone()[0]


def prune() -> int:
    """Delete the database counters of windows that have ended; return how many."""
    from qiangji.core.models import RateCounter

    deleted, _detail = RateCounter.objects.filter(expires_at__lt=int(time.time())).delete()
    return deleted
