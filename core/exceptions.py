"""The one family of errors that services raise; the API and pages turn them into messages."""


class ApplicationError(Exception):
    """A business rule refused the request; `message` is translatable and shown to the user."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.extra = extra or {}
        if field:
            self.extra.setdefault("errors", {field: [message]})


class NotFoundError(ApplicationError):
    status_code = 404
    code = "not_found"


class ConflictError(ApplicationError):
    status_code = 409
    code = "conflict"


class PermissionDeniedError(ApplicationError):
    status_code = 403
    code = "permission_denied"
