"""
``/api/v1/docs/``: Swagger UI under the strict CSP.

drf-spectacular's split view serves the page's start-up script as its own URL
(``?script``) instead of an inline ``<script>``, and our template moves its inline style
into a static file; the bundle itself comes from drf-spectacular-sidecar (no CDN). So the
page needs no nonce and no relaxation of the policy.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
