"""Application pages: the applicant's wizard and case page, the window, the workbench."""

from django.urls import path

from . import applicant, staff

urlpatterns = [
    path("cases/", applicant.case_list, name="case-list"),
    path("cases/new/", applicant.case_start, name="case-start"),
    path("cases/<uuid:public_id>/", applicant.case_detail, name="case-detail"),
    path("cases/<uuid:public_id>/form/", applicant.case_form, name="case-form"),
    path("cases/<uuid:public_id>/materials/", applicant.case_materials, name="case-materials"),
    path(
        "cases/<uuid:public_id>/materials/<slug:code>/",
        applicant.case_material_upload_view,
        name="case-material-upload",
    ),
    path(
        "cases/<uuid:public_id>/materials/<slug:code>/reuse/",
        applicant.case_material_reuse_view,
        name="case-material-reuse",
    ),
    path("cases/<uuid:public_id>/check/", applicant.case_check, name="case-check"),
    path("cases/<uuid:public_id>/submit/", applicant.case_submit_view, name="case-submit"),
    path("cases/<uuid:public_id>/submitted/", applicant.case_submitted, name="case-submitted"),
    path("cases/<uuid:public_id>/resubmit/", applicant.case_resubmit_view, name="case-resubmit"),
    path("cases/<uuid:public_id>/withdraw/", applicant.case_withdraw_view, name="case-withdraw"),
    path(
        "cases/<uuid:public_id>/joint-conditions/<uuid:rule_id>/",
        staff.joint_condition_record,
        name="joint-condition-record",
    ),
    path(
        "cases/<uuid:public_id>/materials/<uuid:material_id>/file/",
        staff.material_file,
        name="case-material-file",
    ),
    path("window/", staff.window_queue, name="window-queue"),
    path("window/<uuid:public_id>/", staff.window_case, name="window-case"),
    path("workbench/", staff.workbench, name="workbench"),
    path("workbench/items/<uuid:public_id>/", staff.item_page, name="item-page"),
]
