from pagecache.version import bump_on_change

from .models import CrisisResource

# The banner on every page and the crisis page read these; a new number must show everywhere at once.
bump_on_change(CrisisResource)
