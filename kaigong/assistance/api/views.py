"""
The assistance API (/api/v1/assistance/…): helper assignments and hand-overs, mandates
(授权委托书), consultations (专家咨询), policies and sessions (政策入企), pre-reviews
(申报预审) and the helper's workbench. Views parse, call one service, render.

Scope: every object is looked up through the app's selectors (an object the caller may not
see is 404); who may write is the services' check (403). Errors are problem+json.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from kaigong.assistance import selectors as sel
from kaigong.assistance import services
from kaigong.assistance.models import (
    HelperAssignment,
    HelperTeam,
    Mandate,
    Policy,
    PreReview,
    Question,
    SessionSignup,
    Suggestion,
)
from kaigong.cases.api.schema import responses
from kaigong.cases.selectors import case_get_for
from kaigong.core.api.input import validated
from kaigong.projects.selectors import project_get_for

from . import serializers as s


def _page(view, rows, serializer_class):
    """One page of ``rows`` (the API's pagination: page, page_size)."""
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(serializer_class(page, many=True).data)


class AssignmentListApi(GenericAPIView):
    """Helper assignments (项目助手, 专班 members) of the projects you may see, history included."""

    serializer_class = s.AssistanceAssignmentOutputSerializer
    queryset = HelperAssignment.objects.none()

    @extend_schema(
        summary="List helper assignments",
        operation_id="assistance_assignments_list",
        responses=responses(s.AssistanceAssignmentOutputSerializer(many=True)),
    )
    def get(self, request):
        rows = sel.assignment_list_visible_to(request.user)
        return _page(self, rows, s.AssistanceAssignmentOutputSerializer)

    @extend_schema(
        summary="Assign a helper to a project",
        operation_id="assistance_assign",
        request=s.AssistanceAssignmentInputSerializer,
        responses=responses(s.AssistanceAssignmentOutputSerializer, 400, 403, 404, status=201),
    )
    def post(self, request):
        """Role: window clerk or centre admin of the project's region; ``team`` names a 专班
        of the caller's centre (role ``task_force``). Errors: ``not_helper`` (400),
        ``permission_denied`` (403), ``project_not_found`` (404)."""
        data = validated(s.AssistanceAssignmentInputSerializer, request.data)
        row = services.assignment_create(
            actor=request.user,
            project=project_get_for(request.user, data["project"]),
            helper=sel.helper_by_public_id(data["helper"]),
            level=data["level"],
            role=data["role"],
            team=sel.team_get_for(request.user, data["team"]) if data["team"] else None,
            note=data["note"],
        )
        return Response(
            s.AssistanceAssignmentOutputSerializer(row).data, status=status.HTTP_201_CREATED
        )


class AssignmentHandOverApi(GenericAPIView):
    serializer_class = s.AssistanceAssignmentOutputSerializer
    queryset = HelperAssignment.objects.none()

    @extend_schema(
        summary="Hand a project over to another helper",
        operation_id="assistance_hand_over",
        request=s.AssistanceHandOverInputSerializer,
        responses=responses(s.AssistanceAssignmentOutputSerializer, 400, 403, 404, 409, status=201),
    )
    def post(self, request, public_id):
        """The old assignment closes, a new one opens; the history keeps both.
        Role: window clerk or centre admin of the project's region."""
        data = validated(s.AssistanceHandOverInputSerializer, request.data)
        row = services.assignment_hand_over(
            actor=request.user,
            assignment=sel.assignment_get_for(request.user, public_id),
            to_helper=sel.helper_by_public_id(data["to_helper"], "to_helper"),
            note=data["note"],
        )
        return Response(
            s.AssistanceAssignmentOutputSerializer(row).data, status=status.HTTP_201_CREATED
        )


class MandateListApi(GenericAPIView):
    serializer_class = s.AssistanceMandateOutputSerializer
    queryset = Mandate.objects.none()

    @extend_schema(
        summary="List mandates",
        operation_id="assistance_mandates_list",
        responses=responses(s.AssistanceMandateOutputSerializer(many=True)),
    )
    def get(self, request):
        """Your enterprise's mandates, the mandates granted to you, or (clerks) those of
        your region's projects."""
        rows = sel.mandate_list_visible_to(request.user).prefetch_related("projects")
        return _page(self, rows, s.AssistanceMandateOutputSerializer)

    @extend_schema(
        summary="Grant a mandate (授权委托书)",
        operation_id="assistance_mandate_grant",
        request=s.AssistanceMandateInputSerializer,
        responses=responses(s.AssistanceMandateOutputSerializer, 400, 403, 404, status=201),
    )
    def post(self, request):
        """Role: applicant of the projects' enterprise (signs with its account). Errors:
        ``not_helper``, ``mandate_invalid`` (400), ``permission_denied`` (403),
        ``project_not_found`` (404)."""
        data = validated(s.AssistanceMandateInputSerializer, request.data)
        projects = [project_get_for(request.user, p) for p in data["projects"]]
        mandate = services.mandate_grant(
            actor=request.user,
            enterprise=projects[0].enterprise,
            agent=sel.helper_by_public_id(data["agent"], "agent"),
            projects=projects,
            actions=data["actions"],
            valid_until=data["valid_until"],
        )
        return Response(
            s.AssistanceMandateOutputSerializer(mandate).data, status=status.HTTP_201_CREATED
        )


class MandateDetailApi(GenericAPIView):
    serializer_class = s.AssistanceMandateOutputSerializer
    queryset = Mandate.objects.none()

    @extend_schema(
        summary="Read a mandate",
        operation_id="assistance_mandate",
        responses=responses(s.AssistanceMandateOutputSerializer, 404),
    )
    def get(self, request, public_id):
        return Response(
            s.AssistanceMandateOutputSerializer(sel.mandate_get_for(request.user, public_id)).data
        )


class MandateRevokeApi(GenericAPIView):
    serializer_class = s.AssistanceMandateOutputSerializer
    queryset = Mandate.objects.none()

    @extend_schema(
        summary="Revoke a mandate",
        operation_id="assistance_mandate_revoke",
        request=s.AssistanceRevokeInputSerializer,
        responses=responses(s.AssistanceMandateOutputSerializer, 403, 404, 409),
    )
    def post(self, request, public_id):
        """Effective on the helper's next request. Role: applicant of the enterprise.
        Errors: ``permission_denied`` (403), ``mandate_revoked`` (409)."""
        data = validated(s.AssistanceRevokeInputSerializer, request.data)
        mandate = services.mandate_revoke(
            actor=request.user,
            mandate=sel.mandate_get_for(request.user, public_id),
            reason=data["reason"],
        )
        return Response(s.AssistanceMandateOutputSerializer(mandate).data)


class QuestionListApi(GenericAPIView):
    serializer_class = s.AssistanceQuestionOutputSerializer
    queryset = Question.objects.none()

    @extend_schema(
        summary="List consultations",
        operation_id="assistance_questions_list",
        responses=responses(s.AssistanceQuestionOutputSerializer(many=True)),
    )
    def get(self, request):
        rows = sel.question_list_visible_to(request.user)
        return _page(self, rows, s.AssistanceQuestionOutputSerializer)

    @extend_schema(
        summary="Ask an expert (专家咨询)",
        operation_id="assistance_question_ask",
        request=s.AssistanceQuestionInputSerializer,
        responses=responses(s.AssistanceQuestionOutputSerializer, 400, 403, 404, 409, status=201),
    )
    def post(self, request):
        """Routed to the department's expert on duty, due in working days. Role: the
        project's enterprise or its assigned helper. Errors: ``no_expert_on_duty`` (409)."""
        data = validated(s.AssistanceQuestionInputSerializer, request.data)
        question = services.question_ask(
            actor=request.user,
            project=project_get_for(request.user, data["project"]),
            department=sel.department_by_code(data["department"]),
            matter=sel.matter_by_code(data["matter"]),
            text=data["text"],
        )
        return Response(
            s.AssistanceQuestionOutputSerializer(question).data, status=status.HTTP_201_CREATED
        )


class QuestionAnswerApi(GenericAPIView):
    serializer_class = s.AssistanceQuestionOutputSerializer
    queryset = Question.objects.none()

    @extend_schema(
        summary="Answer a consultation",
        operation_id="assistance_question_answer",
        request=s.AssistanceAnswerInputSerializer,
        responses=responses(s.AssistanceQuestionOutputSerializer, 400, 403, 404, 409),
    )
    def post(self, request, public_id):
        """Role: an expert or the head of the department. Errors: ``already_answered`` (409)."""
        data = validated(s.AssistanceAnswerInputSerializer, request.data)
        question = services.question_answer(
            actor=request.user,
            question=sel.question_get_for(request.user, public_id),
            answer=data["answer"],
        )
        return Response(s.AssistanceQuestionOutputSerializer(question).data)


class QuestionPublishApi(GenericAPIView):
    serializer_class = s.AssistanceQuestionOutputSerializer
    queryset = Question.objects.none()

    @extend_schema(
        summary="Publish an answer as an FAQ of the matter's guide",
        operation_id="assistance_question_publish",
        request=s.AssistancePublishInputSerializer,
        responses=responses(s.AssistanceQuestionOutputSerializer, 403, 404, 409),
    )
    def post(self, request, public_id):
        """Anonymised (the enterprise's and the project's names removed). Role: an expert
        or the head of the department. Errors: ``not_answered``, ``no_matter`` (409)."""
        data = validated(s.AssistancePublishInputSerializer, request.data)
        question = services.question_publish(
            actor=request.user,
            question=sel.question_get_for(request.user, public_id),
            faq_question=data.get("faq_question", ""),
            faq_answer=data.get("faq_answer", ""),
        )
        return Response(s.AssistanceQuestionOutputSerializer(question).data)


class PolicyListApi(GenericAPIView):
    serializer_class = s.AssistancePolicyOutputSerializer
    queryset = Policy.objects.none()

    @extend_schema(
        summary="List policies and sessions",
        operation_id="assistance_policies_list",
        responses=responses(s.AssistancePolicyOutputSerializer(many=True)),
    )
    def get(self, request):
        """Enterprises: those that target one of their projects; staff: their region's."""
        return _page(
            self, sel.policy_list_visible_to(request.user), s.AssistancePolicyOutputSerializer
        )

    @extend_schema(
        summary="Publish a policy or an interpretation session",
        operation_id="assistance_policy_publish",
        request=s.AssistancePolicyInputSerializer,
        responses=responses(s.AssistancePolicyOutputSerializer, 400, 403, status=201),
    )
    def post(self, request):
        """Role: department head. Targeted enterprises get it in their inbox."""
        data = validated(s.AssistancePolicyInputSerializer, request.data)
        policy = services.policy_publish(actor=request.user, **data)
        return Response(
            s.AssistancePolicyOutputSerializer(policy).data, status=status.HTTP_201_CREATED
        )


class PolicyReadApi(GenericAPIView):
    serializer_class = s.AssistanceReceiptOutputSerializer
    queryset = Policy.objects.none()

    @extend_schema(
        summary="Record a read receipt",
        operation_id="assistance_policy_read",
        request=s.AssistanceEnterpriseInputSerializer,
        responses=responses(s.AssistanceReceiptOutputSerializer, 403, 404),
    )
    def post(self, request, public_id):
        """Role: applicant of the enterprise. Once per enterprise."""
        data = validated(s.AssistanceEnterpriseInputSerializer, request.data)
        receipt = services.policy_mark_read(
            actor=request.user,
            policy=sel.policy_get_for(request.user, public_id),
            enterprise=sel.enterprise_of_user(request.user, data["enterprise"]),
        )
        return Response(s.AssistanceReceiptOutputSerializer(receipt).data)


class PolicySignUpApi(GenericAPIView):
    serializer_class = s.AssistanceSignupOutputSerializer
    queryset = Policy.objects.none()

    @extend_schema(
        summary="Sign up for a session",
        operation_id="assistance_session_sign_up",
        request=s.AssistanceSignUpInputSerializer,
        responses=responses(s.AssistanceSignupOutputSerializer, 400, 403, 404, 409, status=201),
    )
    def post(self, request, public_id):
        """Role: applicant of the enterprise. Errors: ``not_a_session``, ``session_full``."""
        data = validated(s.AssistanceSignUpInputSerializer, request.data)
        signup = services.session_sign_up(
            actor=request.user,
            policy=sel.policy_get_for(request.user, public_id),
            enterprise=sel.enterprise_of_user(request.user, data["enterprise"]),
            attendee=data["attendee"],
        )
        return Response(
            s.AssistanceSignupOutputSerializer(signup).data, status=status.HTTP_201_CREATED
        )


class PreReviewListApi(GenericAPIView):
    serializer_class = s.AssistancePreReviewOutputSerializer
    queryset = PreReview.objects.none()

    @extend_schema(
        summary="List pre-reviews",
        operation_id="assistance_pre_reviews_list",
        responses=responses(s.AssistancePreReviewOutputSerializer(many=True)),
    )
    def get(self, request):
        rows = sel.pre_review_list_visible_to(request.user).prefetch_related("notes")
        return _page(self, rows, s.AssistancePreReviewOutputSerializer)

    @extend_schema(
        summary="Ask for a pre-review of a draft (申报预审)",
        operation_id="assistance_pre_review_request",
        request=s.AssistancePreReviewInputSerializer,
        responses=responses(s.AssistancePreReviewOutputSerializer, 403, 404, 409, status=201),
    )
    def post(self, request):
        """No statutory clock starts. Role: the applicant, or its helper under a mandate
        for drafting. Errors: ``not_a_draft`` (409)."""
        data = validated(s.AssistancePreReviewInputSerializer, request.data)
        review = services.pre_review_request(
            actor=request.user, case=case_get_for(request.user, data["case"]), note=data["note"]
        )
        return Response(
            s.AssistancePreReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED
        )


class PreReviewAnnotateApi(GenericAPIView):
    serializer_class = s.AssistancePreReviewOutputSerializer
    queryset = PreReview.objects.none()

    @extend_schema(
        summary="Annotate a pre-review",
        operation_id="assistance_pre_review_annotate",
        request=s.AssistanceAnnotateInputSerializer,
        responses=responses(s.AssistancePreReviewOutputSerializer, 400, 403, 404),
    )
    def post(self, request, public_id):
        """Suggestions on fields and materials (not a 补正). Role: window clerk or
        department staff of the project's region."""
        data = validated(s.AssistanceAnnotateInputSerializer, request.data)
        review = services.pre_review_annotate(
            actor=request.user,
            pre_review=sel.pre_review_get_for(request.user, public_id),
            notes=data["notes"],
            summary=data["summary"],
        )
        return Response(s.AssistancePreReviewOutputSerializer(review).data)


class WorkbenchApi(GenericAPIView):
    serializer_class = s.AssistanceWorkbenchRowSerializer
    queryset = HelperAssignment.objects.none()

    @extend_schema(
        summary="The helper's workbench",
        operation_id="assistance_workbench",
        responses=responses(s.AssistanceWorkbenchRowSerializer(many=True)),
    )
    def get(self, request):
        """Your current projects, each case's next step and whom it waits on (empty for
        anyone who is no helper)."""
        rows = sel.helper_workbench(request.user)
        return _page(self, rows, s.AssistanceWorkbenchRowSerializer)


class TeamListApi(GenericAPIView):
    """专班 (task forces for key projects): a named team of helpers with a lead."""

    serializer_class = s.AssistanceTeamOutputSerializer
    queryset = HelperTeam.objects.none()

    @extend_schema(
        summary="List task forces (专班)",
        operation_id="assistance_teams_list",
        responses=responses(s.AssistanceTeamOutputSerializer(many=True)),
    )
    def get(self, request):
        """Your centres' teams, and the teams you lead or belong to."""
        return _page(self, sel.team_list_visible_to(request.user), s.AssistanceTeamOutputSerializer)

    @extend_schema(
        summary="Form a task force (专班)",
        operation_id="assistance_team_create",
        request=s.AssistanceTeamInputSerializer,
        responses=responses(s.AssistanceTeamOutputSerializer, 400, 403, status=201),
    )
    def post(self, request):
        """The team belongs to the caller's centre; lead and members are helpers. Assign
        its members to a project with ``POST assignments/`` (``team``, role ``task_force``).
        Role: window clerk or centre admin. Errors: ``not_helper``, ``text_required`` (400),
        ``permission_denied`` (403)."""
        data = validated(s.AssistanceTeamInputSerializer, request.data)
        team = services.team_create(
            actor=request.user,
            name=data["name"],
            lead=sel.helper_by_public_id(data["lead"], "lead"),
            members=sel.users_by_public_ids(data["members"], "members"),
        )
        return Response(s.AssistanceTeamOutputSerializer(team).data, status=status.HTTP_201_CREATED)


class SignupListApi(GenericAPIView):
    serializer_class = s.AssistanceSignupOutputSerializer
    queryset = SessionSignup.objects.none()

    @extend_schema(
        summary="List session sign-ups",
        operation_id="assistance_signups_list",
        responses=responses(s.AssistanceSignupOutputSerializer(many=True)),
    )
    def get(self, request):
        """The sign-ups of your departments' sessions, or your enterprise's own."""
        return _page(
            self, sel.signup_list_visible_to(request.user), s.AssistanceSignupOutputSerializer
        )


class SignupAttendanceApi(GenericAPIView):
    serializer_class = s.AssistanceSignupOutputSerializer
    queryset = SessionSignup.objects.none()

    @extend_schema(
        summary="Record attendance at a session",
        operation_id="assistance_signup_attendance",
        request=s.AssistanceAttendanceInputSerializer,
        responses=responses(s.AssistanceSignupOutputSerializer, 400, 403, 404),
    )
    def post(self, request, public_id):
        """Role: the head of the publishing department. Errors: ``permission_denied`` (403),
        ``not_found`` (404: not a sign-up of your departments' sessions)."""
        data = validated(s.AssistanceAttendanceInputSerializer, request.data)
        signup = services.session_attendance_record(
            actor=request.user,
            signup=sel.signup_get_for(request.user, public_id),
            attended=data["attended"],
        )
        return Response(s.AssistanceSignupOutputSerializer(signup).data)


class SuggestionListApi(GenericAPIView):
    """Suggestions from 座谈会 and from enterprises, tracked with an owner, a deadline and a
    result."""

    serializer_class = s.AssistanceSuggestionOutputSerializer
    queryset = Suggestion.objects.none()

    @extend_schema(
        summary="List suggestions",
        operation_id="assistance_suggestions_list",
        responses=responses(s.AssistanceSuggestionOutputSerializer(many=True)),
    )
    def get(self, request):
        rows = sel.suggestion_list_visible_to(request.user).order_by("deadline", "id")
        return _page(self, rows, s.AssistanceSuggestionOutputSerializer)

    @extend_schema(
        summary="Record a suggestion",
        operation_id="assistance_suggestion_record",
        request=s.AssistanceSuggestionInputSerializer,
        responses=responses(s.AssistanceSuggestionOutputSerializer, 400, 403, 404, status=201),
    )
    def post(self, request):
        """Source ``enterprise``: the enterprise's applicant records its own (``enterprise``
        required); source ``forum`` (座谈会): staff of the region. Errors:
        ``deadline_past`` (400), ``permission_denied`` (403), ``department_not_found``,
        ``enterprise_not_found`` (404)."""
        data = validated(s.AssistanceSuggestionInputSerializer, request.data)
        enterprise = (
            sel.enterprise_of_user(request.user, data["enterprise"]) if data["enterprise"] else None
        )
        row = services.suggestion_record(
            actor=request.user,
            source=data["source"],
            text=data["text"],
            owner=sel.department_by_code(data["owner"]),
            deadline=data["deadline"],
            enterprise=enterprise,
        )
        return Response(
            s.AssistanceSuggestionOutputSerializer(row).data, status=status.HTTP_201_CREATED
        )


class SuggestionDetailApi(GenericAPIView):
    serializer_class = s.AssistanceSuggestionOutputSerializer
    queryset = Suggestion.objects.none()

    @extend_schema(
        summary="Read a suggestion",
        operation_id="assistance_suggestion",
        responses=responses(s.AssistanceSuggestionOutputSerializer, 404),
    )
    def get(self, request, public_id):
        row = sel.suggestion_get_for(request.user, public_id)
        return Response(s.AssistanceSuggestionOutputSerializer(row).data)


class SuggestionCloseApi(GenericAPIView):
    serializer_class = s.AssistanceSuggestionOutputSerializer
    queryset = Suggestion.objects.none()

    @extend_schema(
        summary="Record a suggestion's result",
        operation_id="assistance_suggestion_close",
        request=s.AssistanceSuggestionCloseInputSerializer,
        responses=responses(s.AssistanceSuggestionOutputSerializer, 400, 403, 404),
    )
    def post(self, request, public_id):
        """Done or declined, with the result. Role: the head of the owner department.
        Errors: ``text_required`` (400), ``permission_denied`` (403)."""
        data = validated(s.AssistanceSuggestionCloseInputSerializer, request.data)
        row = services.suggestion_close(
            actor=request.user,
            suggestion=sel.suggestion_get_for(request.user, public_id),
            status=data["status"],
            result=data["result"],
        )
        return Response(s.AssistanceSuggestionOutputSerializer(row).data)
