"""Django's PostgreSQL backend with the database circuit breaker (ops.circuit) around every new connection.

Every way a request reaches the database (the content version, the banner, the view, /healthz) opens its
connection here, so one failed connect makes all the others in this worker fail at once instead of each
waiting out the connect timeout again.
"""

from functools import partial

from django.db.backends.postgresql import base

from ops.circuit import database


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        if database.is_open():
            raise self.Database.OperationalError("database unreachable: not trying again until the breaker closes")
        try:
            connection = super().get_new_connection(conn_params)
        except self.Database.OperationalError:
            database.trip(probe=partial(_connect_and_close, self.Database, conn_params))
            raise
        database.close()
        return connection


def _connect_and_close(driver, conn_params):
    driver.connect(**conn_params).close()
