"""One exception handler for the whole API: every error is JSON with a `detail` a person can
act on, a machine-readable `code`, and for invalid input the `errors` of each field."""

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as page_bad_request
from django.views.defaults import page_not_found as page_not_found_view
from django.views.defaults import server_error as page_server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                if field in ("non_field_errors", "detail"):
                    return message
                return f"{field}: {message}"
        return ""
    if isinstance(errors, list):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
        return ""
    return str(errors)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, "code": exc.code, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(_too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(_("The request sends too many fields or files."))
    if isinstance(exc, Http404):  # Django's message names the model and is not translated
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "detail": _first_message(errors) or _("The request is not valid."),
            "code": "invalid",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = {
            "detail": str(detail or _("The request could not be completed.")),
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
        }
    return response


def server_error(request, *args, **kwargs):
    """handler500: JSON for the API, the error page for the rest."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("Something went wrong on our side. Please try again later."),
                "code": "server_error",
            },
            status=500,
        )
    return page_server_error(request, *args, **kwargs)


def not_found(request, exception=None, *args, **kwargs):
    """handler404: JSON for the API (an address no route matches), the page for the rest."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return page_not_found_view(request, exception, *args, **kwargs)


def _too_large_body(limit: int | None = None) -> dict:
    from django.conf import settings

    limit = limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    megabytes = max(1, round(limit / (1024 * 1024)))
    return {
        "detail": _("The request is too large: send at most %(size)d MB.") % {"size": megabytes},
        "code": "too_large",
    }


def request_too_large(request, limit: int | None = None):
    """413: JSON for the API, a page for the rest."""
    body = _too_large_body(limit)
    if request.path.startswith("/api/"):
        return JsonResponse(body, status=413)
    return render(request, "413.html", {"message": body["detail"]}, status=413)


def not_utf8(request):
    """400 for a form whose text is not UTF-8: refused, never stored as mojibake."""
    message = _(
        "The form's text is not valid UTF-8. Send it encoded as UTF-8 (as browsers do) and "
        "try again."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "parse_error"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request, exception=None, *args, **kwargs):
    """handler400 (Django refused the request before a view saw it): JSON for the API."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("The request is not valid."), "code": "bad_request"}, status=400
        )
    return page_bad_request(request, exception, *args, **kwargs)
