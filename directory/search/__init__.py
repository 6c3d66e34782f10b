"""Directory search: filters, distance, ordering, counts and facet counts, all in the database.

`engine` searches the providers' own rows (no place given); `place` answers a search at a place from the
search entries in reach. Both count results up to RESULT_CAP and work out the options' counts in one query
when the searched area holds at most FACET_LIMIT providers (decision 010).
"""

from .engine import DirectorySearch
from .place import PlaceSearch

__all__ = ["DirectorySearch", "PlaceSearch", "search_for"]


def search_for(criteria, term_ids=None, content_version=None):
    """The directory search for these criteria: from the search entries when there is a place."""
    return (PlaceSearch if criteria.get("place") else DirectorySearch)(criteria, term_ids, content_version)
