from django.contrib import admin

from .models import FeedbackRule, HotlineClient, IndicatorSet


@admin.register(FeedbackRule)
class FeedbackRuleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "rectify_days", "callback_mode", "sample_percent")


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "channel", "kind", "active")


@admin.register(HotlineClient)
class HotlineClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_id", "service_center", "active")
