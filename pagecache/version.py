"""The site-wide content version that cached pages and the crisis banner are keyed by.

Saving or deleting anything readers see bumps the version, so every worker stops serving what it cached
before, at once: no timer decides when a change shows. Where the version lives follows the cache:

- a cache shared by all workers (Redis): in that cache, as a random token, bumped when the database
  transaction that changed the content commits, so no worker can cache old content under the new version;
- local memory, which each worker process has its own of: in the database (one row, read by primary key),
  bumped inside the transaction that changed the content, so the two become visible together. On
  PostgreSQL each worker learns of a bump from a LISTEN/NOTIFY connection instead of reading the row on
  every request (see _VersionListener).

Apps call `bump_on_change(Model, ...)` from their signals module; none needs to import another app.
Reading the version never raises: when it cannot be read, callers skip the cache and render afresh.
"""

import logging
import os
import select
import threading
import time
import uuid
import weakref
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from ops.circuit import database_unreachable

logger = logging.getLogger(__name__)

CACHE_KEY = "pagecache:version"
ROW = 1
RETRY_CACHE_AFTER_SECONDS = 5
RETRY_LISTENER_AFTER_SECONDS = 30
CHANNEL = "pagecache_version"
_UNREAD = object()
# Per cache connection (one per thread, new when settings change): when to try a failing cache again.
_cache_unavailable_until = weakref.WeakKeyDictionary()


def content_version(request=None):
    """The current version as a short string, or None when neither the cache nor the database answers.

    Given a request, the version is read once and kept on it, so the page cache and the banner of one
    response agree and a slow cache costs one wait, not one per caller.
    """
    if request is not None:
        version = getattr(request, "_content_version", _UNREAD)
        if version is _UNREAD:
            version = request._content_version = content_version()
        return version
    cache = caches["default"]
    if _kept_in_database(cache):
        try:
            return f"d{_database_version()}"
        except DatabaseError:
            if not database_unreachable():  # an outage is logged once, by the breaker
                logger.exception("Content version unavailable from the database; serving pages uncached")
            return None
    if time.monotonic() < _cache_unavailable_until.get(cache, 0):
        return None
    try:
        version = _cache_version(cache)
    except Exception:
        logger.exception("Content version unavailable from the cache; serving pages uncached")
        version = None
    if version is None:
        # A hanging Redis costs a timeout per call: after one failure, leave it alone for a few seconds.
        _cache_unavailable_until[cache] = time.monotonic() + RETRY_CACHE_AFTER_SECONDS
    return version


def cached_for_version(name, version, compute):
    """compute(), kept in the default cache under `name` for this content version, so it is worked out once
    per version rather than on every request; without a version (neither the cache nor the database
    answered), worked out afresh. A failing Redis answers as a miss (IGNORE_EXCEPTIONS in settings)."""
    if version is None:
        return compute()
    cache, key = caches["default"], f"{name}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


def bump_content_version(**signal_kwargs):
    """Make every cached page and banner out of date. Safe to call from signals, admin actions and commands."""
    cache = caches["default"]
    if _kept_in_database(cache):
        _bump_database()
    else:
        transaction.on_commit(partial(_bump_cache, cache), robust=True)


def bump_on_change(*models):
    """Bump the version whenever a row of these models, or one of their many-to-many links, changes."""
    for model in models:
        label = model._meta.label
        post_save.connect(bump_content_version, sender=model, weak=False, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(bump_content_version, sender=model, weak=False, dispatch_uid=f"pagecache-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _bump_after_link_change, sender=through, weak=False, dispatch_uid=f"pagecache-m2m-{through._meta.label}"
            )


def _bump_after_link_change(action, **signal_kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_content_version()


def _kept_in_database(cache):
    # Local memory is private to each worker process, so a version kept there could not reach the others.
    return isinstance(cache, LocMemCache | DummyCache)


def _database_version():
    """The version row's number. On PostgreSQL, outside a transaction, it comes from this worker's listener
    and costs no query; inside one (an editor's save, a test), the row is read, as only that sees the
    transaction's own bump."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return _read_version(connection)
    number = _listener.number()
    if number is None:
        number = _read_version(connection)
        # Only once the database has answered: a database that hangs must cost a request one wait, not two.
        _listener.start()
    return number


class _VersionListener:
    """One PostgreSQL connection per worker process that LISTENs for bumps of the version.

    Reading the version row was most of the time of serving a cached page. A bump sends a NOTIFY, which
    PostgreSQL delivers when the bumping transaction commits; each request looks, without waiting, whether
    one has arrived on this connection, and only then reads the row again. When the connection fails or
    cannot be opened, requests read the row as before and the listener is tried again a little later. A
    connection dropped without a word (a host that vanished) is noticed by TCP keepalives within a minute.
    """

    KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._connection = None
        self._number = None
        self._retry_at = 0.0

    def number(self):
        """The version as last read, once no bump is waiting; None when not listening."""
        with self._lock:
            if self._pid != os.getpid():
                # A forked worker must not share its parent's socket: drop it without closing it.
                self._pid, self._connection = os.getpid(), None
            if self._connection is None:
                return None
            try:
                # poll(), not select(), which fails for a descriptor numbered past 1023.
                waiting = select.poll()
                waiting.register(self._connection, select.POLLIN)
                if waiting.poll(0):
                    # A notification, or the server's goodbye, which poll() takes in without raising: the
                    # read below tells them apart.
                    self._connection.poll()
                    self._number = None
                if self._connection.notifies or self._number is None:
                    self._connection.notifies.clear()
                    self._number = _read_version(self._connection)
            except (connection.Database.Error, OSError):
                logger.warning("Content version listener lost; reading the version from the database")
                self._stop()
                return None
            return self._number

    def start(self):
        with self._lock:
            if self._connection is not None or time.monotonic() < self._retry_at:
                return
            try:
                listener = connection.Database.connect(**{**connection.get_connection_params(), **self.KEEPALIVES})
                listener.autocommit = True
                with listener.cursor() as cursor:
                    cursor.execute(f"LISTEN {CHANNEL}")
            except (connection.Database.Error, OSError):
                logger.warning("Content version listener unavailable; reading the version from the database")
                self._retry_at = time.monotonic() + RETRY_LISTENER_AFTER_SECONDS
                return
            # Listening first, then reading: a bump that commits in between is waiting as a notification.
            self._connection, self._number = listener, None

    def forget(self):
        """After this worker's own bump commits: read again, rather than trust the notification's timing."""
        with self._lock:
            self._number = None

    def _stop(self):
        self._connection.close()  # psycopg2 closes a broken connection without raising
        self._connection, self._number = None, None
        self._retry_at = time.monotonic() + RETRY_LISTENER_AFTER_SECONDS


_listener = _VersionListener()


def _read_version(database):
    """The version row's number, read on Django's connection or on the listener's psycopg2 one."""
    from .models import ContentVersion

    # Plain SQL: without a listener this runs on every reader request, and building it through the ORM
    # cost more than the rest of serving a cached page.
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with database.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [ROW])
        row = cursor.fetchone()
    return row[0] if row else 0


def _bump_database():
    from .models import ContentVersion

    if not ContentVersion.objects.filter(pk=ROW).update(number=F("number") + 1):
        _, created = ContentVersion.objects.get_or_create(pk=ROW, defaults={"number": 1})
        if not created:
            ContentVersion.objects.filter(pk=ROW).update(number=F("number") + 1)
    if connection.vendor == "postgresql":
        # Delivered to every worker's listener when this transaction commits, and not if it rolls back.
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
        transaction.on_commit(_listener.forget, robust=True)


def _cache_version(cache):
    version = cache.get(CACHE_KEY)
    if version is not None:
        return version
    # No version yet (a new or flushed Redis): a random token can never match entries cached before.
    fresh = uuid.uuid4().hex
    added = cache.add(CACHE_KEY, fresh, None)
    if added is None:
        # django-redis answers None when it ignored a connection error.
        return None
    return fresh if added else cache.get(CACHE_KEY)


def _bump_cache(cache):
    token = uuid.uuid4().hex
    try:
        cache.set(CACHE_KEY, token, None)
        # Read back: a cache that ignores its errors (django-redis) says nothing when a write is lost.
        stored = cache.get(CACHE_KEY) == token
    except Exception:
        stored = False
    if not stored:
        logger.error("Could not confirm a new content version in the cache; cached pages may be out of date")
