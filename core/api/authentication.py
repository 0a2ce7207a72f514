from django.utils import translation
from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """Token authentication that, like a browser session, answers in the user's language."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            translation.activate(result[0].language)
            request._request.LANGUAGE_CODE = translation.get_language()
        return result
