from django.urls import path

from . import views

urlpatterns = [
    path("post-approval/", views.plan_list_page, name="postapproval-home"),
    path("post-approval/tasks/<uuid:public_id>/", views.task_page, name="postapproval-task"),
    path("post-approval/work/", views.work_page, name="postapproval-work"),
    path("post-approval/manage/", views.manage_page, name="postapproval-manage"),
    path(
        "post-approval/manage/items/new/", views.check_item_form_page, name="postapproval-item-new"
    ),
    path(
        "post-approval/manage/items/<uuid:public_id>/",
        views.check_item_form_page,
        name="postapproval-item",
    ),
    path("post-approval/manage/plans/new/", views.plan_form_page, name="postapproval-plan-new"),
    path(
        "post-approval/manage/plans/<uuid:public_id>/",
        views.plan_form_page,
        name="postapproval-plan",
    ),
]
