"""A write request's JSON body, read by stagecraft.libs.request_body and refused in the data
store's words (backdrop-api.md §1.3).

The limit is the data store's 10 MiB after decompression, not Django's DATA_UPLOAD_MAX_MEMORY_SIZE
(1 MiB, for the configuration API): the body is read from the stream, so Django's own limit does
not apply.
"""

from django.http import HttpRequest

from stagecraft.libs.request_body import BodyError, Problem, parse_json, read_body

MAX_BODY_BYTES = 10 * 1024 * 1024

_MESSAGES = {
    Problem.EMPTY: "Expected JSON request body but received zero bytes.",
    Problem.TOO_LARGE: "The request body is larger than {limit_mib} MiB (after decompression); "
    "send the records in smaller batches.",
    Problem.BAD_LENGTH: "The Content-Length header is not a number.",
    Problem.BAD_GZIP: "The body is not valid gzip: {detail}",
    Problem.NOT_UTF8: 'Error parsing JSON: "{detail}"',
    Problem.NOT_JSON: 'Error parsing JSON: "{detail}"',
    Problem.UNSUPPORTED_ENCODING: "Unsupported Content-Encoding: {detail}.",
}
_STATUS = {Problem.TOO_LARGE: 413, Problem.UNSUPPORTED_ENCODING: 415}


class BadBody(Exception):
    """A body that can't be used; `status` and `message` are what the client gets."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class WrongContentType(BadBody):
    # Word for word the original's body: the Python 2 repr of its exception (backdrop-api.md §1.3, §1.9).
    MESSAGE = "ValidationError('Expected header: Content-type: application/json',)"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


def read_json_body(request: HttpRequest) -> object:
    """The parsed JSON body. Raises BadBody (400; 413 when too large; 415 for a Content-Encoding
    other than gzip or identity), checked in the data store's order: the body's size and encoding,
    that it isn't empty, the content type, the JSON."""
    try:
        raw = read_body(request, MAX_BODY_BYTES)
        if not raw:
            raise BodyError(Problem.EMPTY)
        if request.content_type != "application/json":
            raise WrongContentType()
        return parse_json(raw)
    except BodyError as error:
        status = _STATUS.get(error.problem, 400)
        message = _MESSAGES[error.problem].format(detail=error.detail, limit_mib=error.limit // (1024 * 1024))
        raise BadBody(message, status) from None
