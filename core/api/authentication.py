from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """Token authentication that, like a browser session, answers in the user's language.
    DRF's refuses the tokens of deactivated users; this one also refuses tokens older than
    API_TOKEN_DAYS."""

    def authenticate_credentials(self, key):
        from core.services import api_token_expired

        user, token = super().authenticate_credentials(key)
        if api_token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("This token has expired. Ask for a new one at /api/v1/auth/token/.")
            )
        return user, token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            translation.activate(result[0].language)
            request._request.LANGUAGE_CODE = translation.get_language()
        return result
