"""One exception handler for the whole API: every error is JSON with a `detail` a person can
act on, a machine-readable `code`, and for invalid input the `errors` of each field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
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
