"""A circuit breaker for the database: after a connection fails, each worker stops trying for a while.

A database that accepts connections and never answers costs every connection attempt the whole connect
timeout. Without a breaker, every request of every reader waits that long, once per query that opens a
connection. With it, the first failure opens the breaker: for DATABASE_RETRY_SECONDS every attempt in
this worker fails at once, so pages answer in milliseconds from the page cache or with the static crisis
page. Then a background thread tries one connection; readers never wait for it. When it succeeds the
breaker closes and pages are fresh again; when it fails the next attempt comes DATABASE_RETRY_SECONDS after
this one started.

The state is per process (each gunicorn worker has its own), so one worker's outage costs one wait.
"""

import logging
import os
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name):
        self.name = name
        self._reset_state()

    def _reset_state(self):
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._retry_at = None  # None while closed
        self._probe = None
        self._probing = False

    def is_open(self):
        """True while attempts should fail at once. When the wait is over, starts one background probe."""
        if self._pid != os.getpid():
            # A forked worker starts closed: its parent's outage is not its own, and threads do not fork.
            self._reset_state()
        with self._lock:
            if self._retry_at is None:
                return False
            if time.monotonic() >= self._retry_at and not self._probing and self._probe is not None:
                self._probing = True
                probe = threading.Thread(target=self._run_probe, args=(self._probe,), daemon=True)
                probe.start()
            return True

    def trip(self, probe):
        """A connection failed: fail fast for the next DATABASE_RETRY_SECONDS, then try `probe()` aside."""
        with self._lock:
            if self._retry_at is None:
                logger.error(
                    "%s unreachable: answering without it, trying again every %s s",
                    self.name,
                    settings.DATABASE_RETRY_SECONDS,
                )
            self._retry_at = time.monotonic() + settings.DATABASE_RETRY_SECONDS
            self._probe = probe

    def close(self):
        with self._lock:
            if self._retry_at is not None:
                logger.warning("%s reachable again", self.name)
            self._retry_at, self._probe = None, None

    def _run_probe(self, probe):
        started = time.monotonic()
        try:
            probe()
        except Exception:
            with self._lock:
                # Counted from the attempt's start: an attempt that waited out the connect timeout is followed at
                # once by the next, so the database is found within one window or one timeout of coming back.
                self._retry_at = started + settings.DATABASE_RETRY_SECONDS
        else:
            self.close()
        finally:
            with self._lock:
                self._probing = False


database = CircuitBreaker("Database")


def database_unreachable():
    """True while this worker knows the database cannot be reached, without trying it."""
    return database.is_open()
