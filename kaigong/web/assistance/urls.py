from django.urls import path

from . import views

A = "assistance/"

urlpatterns = [
    path(f"{A}workbench/", views.workbench, name="assistance-workbench"),
    path(f"{A}projects/<uuid:public_id>/", views.project_page, name="assistance-project"),
    path(f"{A}mandates/", views.mandate_list, name="assistance-mandates"),
    path(f"{A}mandates/<uuid:public_id>/", views.mandate_detail, name="assistance-mandate"),
    path(f"{A}questions/", views.question_list, name="assistance-questions"),
    path(f"{A}questions/<uuid:public_id>/", views.question_detail, name="assistance-question"),
    path(f"{A}policies/", views.policy_list, name="assistance-policies"),
    path(f"{A}policies/<uuid:public_id>/", views.policy_detail, name="assistance-policy"),
    path(f"{A}suggestions/", views.suggestion_list, name="assistance-suggestions"),
    path(
        f"{A}suggestions/<uuid:public_id>/", views.suggestion_detail, name="assistance-suggestion"
    ),
    path(f"{A}pre-reviews/", views.pre_review_list, name="assistance-pre-reviews"),
    path(
        f"{A}pre-reviews/<uuid:public_id>/", views.pre_review_detail, name="assistance-pre-review"
    ),
]
