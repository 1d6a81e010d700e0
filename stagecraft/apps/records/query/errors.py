"""The one error a query can raise: a message for the caller, answered as 400."""


class QueryError(Exception):
    """A bad query: the message is sent back as `{"status": "error", "message": ...}` with 400."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
