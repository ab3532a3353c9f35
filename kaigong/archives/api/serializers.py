from rest_framework import serializers


class ArchiveDocumentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    stage = serializers.CharField()
    title = serializers.CharField()
    origin = serializers.SerializerMethodField()
    file_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    sm3 = serializers.CharField()
    filed_at = serializers.DateTimeField(source="created_at")

    def get_origin(self, obj) -> str:
        return f"{obj.origin_type}:{obj.origin_id}"


class ArchiveFolderOutputSerializer(serializers.Serializer):
    project = serializers.UUIDField(source="project.public_id")
    project_name = serializers.CharField(source="project.name")
    classification = serializers.CharField()
    opened_at = serializers.DateTimeField(source="created_at")
    documents = ArchiveDocumentOutputSerializer(many=True)
