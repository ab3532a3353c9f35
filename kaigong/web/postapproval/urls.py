from django.urls import path

from . import views

urlpatterns = [
    path("post-approval/", views.plan_list_page, name="postapproval-home"),
    path("post-approval/tasks/<uuid:public_id>/", views.task_page, name="postapproval-task"),
    path("post-approval/work/", views.work_page, name="postapproval-work"),
]
