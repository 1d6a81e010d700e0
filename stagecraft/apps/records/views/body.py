"""Reading a write request's JSON body: size-capped, gzip-aware, with a clear error for each problem.

Django's request.body refuses anything above DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB, meant for the
Stagecraft API), so the records routes read the raw stream themselves, in chunks, with their own
limit of 10 MiB after decompression (backdrop-api.md §1.3). Gzip bodies are inflated with a bounded
output size per step, so a small "bomb" that inflates to gigabytes stops at the limit.
"""

import json
import zlib

from django.http import HttpRequest

MAX_BODY_BYTES = 10 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


class BodyError(Exception):
    """A body that can't be used; `status` and `message` are what the client gets."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class BodyTooLarge(BodyError):
    def __init__(self) -> None:
        super().__init__(
            f"The request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB "
            "(after decompression); send the records in smaller batches.",
            status=413,
        )


class WrongContentType(BodyError):
    # Word for word the original's body: the Python 2 repr of its exception (backdrop-api.md §1.3, §1.9).
    MESSAGE = "ValidationError('Expected header: Content-type: application/json',)"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


def read_json_body(request: HttpRequest) -> object:
    """The parsed JSON body. Raises BodyError (400, or 413 when too large)."""
    raw = read_body(request)
    if not raw:
        raise BodyError("Expected JSON request body but received zero bytes.")
    if request.content_type != "application/json":
        raise WrongContentType()
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BodyError(f'Error parsing JSON: "{error}"') from None


def read_body(request: HttpRequest) -> bytes:
    """The body's bytes, inflated when Content-Encoding names gzip, at most MAX_BODY_BYTES."""
    gzipped = "gzip" in request.headers.get("Content-Encoding", "").lower()
    declared = _content_length(request)
    if declared > MAX_BODY_BYTES:
        # Compressed or not, a body this large can't be under the limit once inflated.
        raise BodyTooLarge()
    chunks = _chunks(request)
    return _inflate(chunks) if gzipped else _collect(chunks)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BodyError("The Content-Length header is not a number.") from None


def _chunks(request: HttpRequest):
    while True:
        chunk = request.read(CHUNK_BYTES)
        if not chunk:
            return
        yield chunk


def _collect(chunks) -> bytes:
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge()
    return bytes(body)


def _inflate(chunks) -> bytes:
    body = bytearray()
    inflater, pending = _gunzip(), False
    try:
        for chunk in chunks:
            data = chunk
            while data:
                pending = True
                # Never ask for more output than the limit allows (never 0: zlib reads 0 as "all").
                body += inflater.decompress(data, MAX_BODY_BYTES + 1 - len(body))
                if len(body) > MAX_BODY_BYTES:
                    raise BodyTooLarge()
                data = inflater.unconsumed_tail
                if inflater.eof:
                    # Concatenated gzip members are one body (as gzip(1) writes them).
                    data = data or inflater.unused_data
                    inflater, pending = _gunzip(), False
    except zlib.error as error:
        raise BodyError(f"The body is not valid gzip: {error}") from None
    if pending:
        raise BodyError("The body is not valid gzip: it ends before the end of the compressed data.")
    return bytes(body)


def _gunzip():
    return zlib.decompressobj(16 + zlib.MAX_WBITS)


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")
