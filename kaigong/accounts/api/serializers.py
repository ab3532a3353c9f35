from django.utils.translation import gettext_lazy as _

from rest_framework import serializers


class EnterpriseInputSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=30, help_text=_("统一社会信用代码, 18 characters."))
    name = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(max_length=50)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    username = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text=_("The applicant's login; required for self sign-up."),
    )
    password = serializers.CharField(
        max_length=128, required=False, allow_blank=True, trim_whitespace=False, write_only=True
    )
    full_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class EnterpriseOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    uscc = serializers.CharField()
    name = serializers.CharField()
    legal_representative = serializers.CharField()
    credit_standing = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    username = serializers.CharField()


class RegistrationOutputSerializer(serializers.Serializer):
    enterprise = EnterpriseOutputSerializer()
    user = UserRefSerializer(allow_null=True)
    on_behalf = serializers.BooleanField(help_text=_("Registered by staff on its behalf."))


class NotificationOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    read = serializers.SerializerMethodField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationReadInputSerializer(serializers.Serializer):
    read = serializers.BooleanField(default=True, help_text=_("false marks it unread again."))
