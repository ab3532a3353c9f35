"""OpenAPI description of the API's token scheme (imported by ``kaigong.api.auth``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class KaigongTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kaigong.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <token>` from POST /api/v1/auth/token/; tokens expire and can be "
                "revoked (GET/DELETE /api/v1/auth/tokens/, POST /api/v1/auth/logout/)."
            ),
        }
