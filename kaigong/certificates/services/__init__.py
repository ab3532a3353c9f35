"""
Writes of the certificates app. The public interface other apps call (interfaces.md):

- ``ItemResult``, ``certificates_issue_for_case`` (issuance.py)
- ``certificates_render_for_case``, ``certificates_render_pending`` , ``rendering_inline`` (render.py)
- ``certificates_release_deferred``, ``joint_issuance_condition_record`` (release.py)
- ``certificate_revoke``, ``certificates_revoke_for_case_items`` (revocation.py), ``signing_key_create`` (keys.py)
"""

from .issuance import ItemResult, certificates_issue_for_case
from .keys import signing_key_create
from .release import certificates_release_deferred, joint_issuance_condition_record
from .render import certificates_render_for_case, certificates_render_pending, rendering_inline
from .revocation import Revocation, certificate_revoke, certificates_revoke_for_case_items

__all__ = [
    "ItemResult",
    "Revocation",
    "certificate_revoke",
    "certificates_revoke_for_case_items",
    "certificates_issue_for_case",
    "certificates_release_deferred",
    "certificates_render_for_case",
    "certificates_render_pending",
    "rendering_inline",
    "joint_issuance_condition_record",
    "signing_key_create",
]
