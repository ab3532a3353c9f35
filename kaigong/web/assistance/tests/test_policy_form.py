"""The policy form's target region is a GB/T 2260 division chosen by name, never a typed code."""

from kaigong.web.assistance.forms import PolicyForm


def _form(region: str) -> PolicyForm:
    return PolicyForm(
        {"kind": "policy", "title": "惠企措施", "body": "正文", "region_code": region}
    )


def test_the_target_region_is_a_known_division_or_every_region():
    assert _form("371321").is_valid()  # 沂南县
    assert _form("").is_valid()  # 不限区域
    refused = _form("999999")
    assert not refused.is_valid() and "region_code" in refused.errors
    labels = dict(PolicyForm().fields["region_code"].choices)
    assert "沂南县" in str(labels["371321"])
