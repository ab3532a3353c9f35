"""``{% case_documents case user as documents %}``: the case's official documents (文书)."""

from django import template

from kaigong.core.exceptions import NotFound
from kaigong.documents.selectors import document_list_visible_to

register = template.Library()


@register.simple_tag
def case_documents(case, user):
    """The documents of ``case`` visible to ``user`` (none when the case is not visible)."""
    if case is None or not getattr(case, "public_id", None):
        return []
    try:
        return list(document_list_visible_to(user, case.public_id))
    except NotFound:
        return []


@register.simple_tag
def item_documents(item, user):
    """The documents of one item of a case (its decision, special procedure, extension)."""
    if item is None:
        return []
    return [d for d in case_documents(item.case, user) if d.item_id == item.pk]
