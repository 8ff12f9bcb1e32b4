"""Errors raised by the connectors.

Every message is safe to log: it names the source, the stream, the URL path and the HTTP
status, never a token, a password or a query string.
"""


class ConnectorError(Exception):
    """An extraction failed; the message says what failed, where, and what to do next."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        stream: str | None = None,
        path: str | None = None,
        status: int | None = None,
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.source = source
        self.stream = stream
        self.path = path
        self.status = status
        self.code = code


class ConfigError(ConnectorError):
    """The environment does not configure a source correctly; names the variables to set."""

    def __init__(self, message: str, *, source: str | None = None, variables: tuple[str, ...] = ()):
        super().__init__(message, source=source)
        self.variables = variables
