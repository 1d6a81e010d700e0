"""A chunk of records' values in one list, with their types: for the fast passes that vouch for a
whole chunk at once (limits._certainly_fine, pipeline._certainly_valid) in a few passes in C rather
than in Python loops over every record.

    ChunkValues(records: list[dict])
        .values: every value of every record; .types: the set of their types.
        .of_type(kind) -> list: the values whose type is exactly `kind` (a bool is not an int here).
"""

from itertools import chain, compress, repeat
from operator import is_


class ChunkValues:
    def __init__(self, records: list[dict]) -> None:
        self.values = list(chain.from_iterable(map(dict.values, records)))
        self._type_of_each = list(map(type, self.values))
        self.types = set(self._type_of_each)

    def of_type(self, kind: type) -> list:
        """See the module docstring."""
        return list(compress(self.values, map(is_, self._type_of_each, repeat(kind))))
