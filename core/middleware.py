import urllib.parse

from django.conf import settings
from django.utils import translation

from .api.exceptions import not_utf8, request_too_large
from .security import log_refusal


class UserLanguageMiddleware:
    """Show a signed-in user the portal in the language saved on their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuses a request body larger than allowed before reading it: a 413, in JSON for the
    API. Form and JSON bodies may be DATA_UPLOAD_MAX_MEMORY_SIZE bytes, uploads (multipart)
    MAX_UPLOAD_SIZE. Django counts the bytes it reads, too, when no length is declared."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.MAX_UPLOAD_SIZE if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return request_too_large(request, limit)
        return self.get_response(request)


class FormEncodingMiddleware:
    """Refuses a form body (`application/x-www-form-urlencoded`) whose text, raw or
    percent-encoded, is not UTF-8: Django would read it with replacement characters, and a
    write would store mojibake. A 400, in JSON for the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        charset = content_type.partition("charset=")[2].strip().strip('"').lower()
        if (
            request.method in ("POST", "PUT", "PATCH")
            and content_type.startswith("application/x-www-form-urlencoded")
            and charset in ("", "utf-8", "utf8")
        ):
            try:
                urllib.parse.parse_qsl(
                    request.body.decode("utf-8"), keep_blank_values=True, errors="strict"
                )
            except UnicodeDecodeError:
                return not_utf8(request)
        return self.get_response(request)


class SecurityLogMiddleware:
    """Writes each permission denial (403) and refused credential (401) to the security log,
    whichever view, middleware or the API gave it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        log_refusal(request, response)
        return response


class PermissionsPolicyMiddleware:
    """Sends the PERMISSIONS_POLICY header: browser features the portal does not use are off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
