"""
Blocks of the video inspection (云踏勘) and the joint review on pages of other apps:

    {% inspection_standard_block version %}    the guide's matter page: 勘前准备
    {% item_inspection_block item request.user %}   the staff item page: the inspections,
                                                the record's conclusion, the joint reviews
"""

from django import template

from kaigong.cases.permissions import can_review_item
from kaigong.inspections.permissions import lead_departments_for
from kaigong.inspections.selectors import item_inspections, item_joint_reviews, standard_public

register = template.Library()


@register.inclusion_tag("web/inspections/_guide_block.html")
def inspection_standard_block(version):
    return {"standard": standard_public(version) if version is not None else None}


@register.inclusion_tag("web/inspections/_item_block.html")
def item_inspection_block(item, user):
    may_review = can_review_item(user, item)
    return {
        "item": item,
        "inspections": item_inspections(item),
        "reviews": item_joint_reviews(item),
        "may_request": may_review and item.status == "in_review",
        "may_convene": item.department_id in lead_departments_for(user),
    }
