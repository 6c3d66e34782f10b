from django.db import models


class ContentVersion(models.Model):
    """One row: the site's content version when the cache is local memory, which each worker has its own of.

    Every worker reads this row on each request, so a change saved through one worker reaches readers of
    all of them at once. With Redis the version lives in Redis instead (see pagecache.version).
    """

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Content version {self.number}"
