"""Reading a request's JSON body, the one way both APIs do it.

The body is read from the stream in chunks with a size limit (so a large body is refused before it
is all in memory). A body without `Content-Length` (sent chunked) is read to its end when the WSGI
server says the stream ends there (`wsgi.input_terminated`, as gunicorn does); otherwise Django's
stream holds nothing and the body is empty. `Content-Encoding` may name `gzip` (or `x-gzip`) and
`identity`, nothing else (UNSUPPORTED_ENCODING, answered 415); each gzip layer is inflated in turn,
with a bounded output per step, so a small "bomb" that inflates to gigabytes stops at the limit.
The bytes are decoded as strict UTF-8 and parsed as JSON without `NaN` or `Infinity`. Problems
raise BodyError with a `problem`; each API words the answer in its own shape (the configuration API
in stagecraft.apps.apiclients.decorators, the record store as the original data store did, in
stagecraft.apps.records.views.body).
"""

import json
import zlib
from collections.abc import Callable, Iterator
from enum import Enum

from django.http import HttpRequest

from . import fast_json

CHUNK_BYTES = 64 * 1024


class Problem(Enum):
    EMPTY = "empty"
    TOO_LARGE = "too large"
    BAD_LENGTH = "bad Content-Length"
    BAD_GZIP = "bad gzip"
    NOT_UTF8 = "not UTF-8"
    NOT_JSON = "not JSON"
    UNSUPPORTED_ENCODING = "unsupported Content-Encoding"


class BodyError(Exception):
    """A body that can't be used. `detail` is the decoder's or parser's own words, when there are any."""

    def __init__(self, problem: Problem, detail: str = "", limit: int = 0):
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)
        self.problem = problem
        self.detail = detail
        self.limit = limit


def read_json(request: HttpRequest, max_bytes: int) -> object:
    """The parsed JSON body; raises BodyError (EMPTY for a body of nothing but whitespace)."""
    raw = read_body(request, max_bytes)
    if not raw.strip():
        raise BodyError(Problem.EMPTY)
    return parse_json(raw)


def read_body(request: HttpRequest, max_bytes: int) -> bytes:
    """The body's bytes, inflated once per gzip layer of Content-Encoding, at most `max_bytes`."""
    layers = gzip_layers(request.headers.get("Content-Encoding", ""))
    if _content_length(request) > max_bytes:
        # Compressed or not, a body this large can't be under the limit once inflated.
        raise BodyError(Problem.TOO_LARGE, limit=max_bytes)
    chunks = _chunks(request)
    if not layers:
        return _collect(chunks, max_bytes)
    body = _inflate(chunks, max_bytes)
    for _ in range(layers - 1):
        body = _inflate(iter([body]), max_bytes)
    return body


# More layers than this are refused: nobody compresses twice on purpose, and each layer costs a pass.
MAX_GZIP_LAYERS = 2
_GZIP = ("gzip", "x-gzip")


def gzip_layers(header: str) -> int:
    """How many gzip layers a Content-Encoding header names; BodyError for any other coding."""
    codings = [coding.strip().lower() for coding in header.split(",") if coding.strip()]
    unknown = [coding for coding in codings if coding not in (*_GZIP, "identity")]
    if unknown:
        raise BodyError(
            Problem.UNSUPPORTED_ENCODING,
            f"{', '.join(unknown)} is not supported: send the body as is, or compressed with gzip",
        )
    layers = sum(coding in _GZIP for coding in codings)
    if layers > MAX_GZIP_LAYERS:
        raise BodyError(
            Problem.UNSUPPORTED_ENCODING,
            f"{layers} gzip layers is too many: compress the body once",
        )
    return layers


def parse_json(raw: bytes) -> object:
    """UTF-8 JSON text to a value; NaN, Infinity and -Infinity are refused."""
    # orjson reads it when it reads it as the json module does; the json module words the errors.
    return fast_json.loads(raw, _parse_with_json)


def _parse_with_json(raw: str | bytes) -> object:
    assert isinstance(raw, bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(Problem.NOT_UTF8, str(error)) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BodyError(Problem.NOT_JSON, str(error)) from None


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _content_length(request: HttpRequest) -> int:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BodyError(Problem.BAD_LENGTH) from None
    if length < 0:
        raise BodyError(Problem.BAD_LENGTH)
    return length


def _chunks(request: HttpRequest) -> Iterator[bytes]:
    read: Callable[[int], bytes] = request.read
    if not request.META.get("CONTENT_LENGTH") and request.META.get("wsgi.input_terminated"):
        # A chunked body: Django's stream is limited to the (missing) Content-Length and reads
        # nothing, but the server has de-chunked the input and ends it at the body's end.
        read = request.META["wsgi.input"].read
    while True:
        chunk = read(CHUNK_BYTES)
        if not chunk:
            return
        yield chunk


def _collect(chunks: Iterator[bytes], max_bytes: int) -> bytes:
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            raise BodyError(Problem.TOO_LARGE, limit=max_bytes)
    return bytes(body)


def _inflate(chunks: Iterator[bytes], max_bytes: int) -> bytes:
    body = bytearray()
    inflater, pending = _gunzip(), False
    try:
        for chunk in chunks:
            data = chunk
            while data:
                pending = True
                # Never ask for more output than the limit allows (never 0: zlib reads 0 as "all").
                body += inflater.decompress(data, max_bytes + 1 - len(body))
                if len(body) > max_bytes:
                    raise BodyError(Problem.TOO_LARGE, limit=max_bytes)
                data = inflater.unconsumed_tail
                if inflater.eof:
                    # Concatenated gzip members are one body (as gzip(1) writes them).
                    data = data or inflater.unused_data
                    inflater, pending = _gunzip(), False
    except zlib.error as error:
        raise BodyError(Problem.BAD_GZIP, str(error)) from None
    if pending:
        raise BodyError(Problem.BAD_GZIP, "it ends before the end of the compressed data")
    return bytes(body)


def _gunzip() -> "zlib._Decompress":
    return zlib.decompressobj(16 + zlib.MAX_WBITS)
