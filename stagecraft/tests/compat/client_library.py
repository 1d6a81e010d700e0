"""The public client library (performanceplatform-client 0.11.5, written for Python 2), made to run on
Python 3.11 for the contract tests. The shims restore what Python 2 did and touch nothing in the app:

- `basestring` no longer exists: the library's modules get `str` under that name;
- in Python 3 `str` has `__iter__`, so `BaseClient._post` turns the JSON string that `AdminAPI.create_*`
  passes into a list of characters; under Python 2 the string was sent as it is.
"""

import performanceplatform.client.base as _base
import performanceplatform.client.data_set as _data_set
from performanceplatform.client import AdminAPI, DataSet

_base.basestring = str
_data_set.basestring = str

_post = _base.BaseClient._post


def _post_like_python_2(self, path, data, chunk_size=0):
    if isinstance(data, str):
        return self._request("POST", path, data)
    return _post(self, path, data, chunk_size=chunk_size)


_base.BaseClient._post = _post_like_python_2

__all__ = ["AdminAPI", "DataSet"]
