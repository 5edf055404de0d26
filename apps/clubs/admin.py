from django.contrib import admin

from .models import Club, ClubFundApplication, ClubFundRules, ClubMeeting, TRNetwork


@admin.register(ClubFundRules)
class ClubFundRulesAdmin(admin.ModelAdmin):
    list_display = ["organization", "amount_per_member_year", "cap_per_member_event", "days_in_advance"]


@admin.register(Club)
class ClubAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "unit", "member_count"]
    list_filter = ["organization"]
    search_fields = ["name", "unit__code"]
    raw_id_fields = ["unit"]
    filter_horizontal = ["stewards"]


@admin.register(TRNetwork)
class TRNetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    filter_horizontal = ["stewards"]


@admin.register(ClubMeeting)
class ClubMeetingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "kind", "status", "club", "network", "attendance"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["club", "network", "created_by"]
    filter_horizontal = ["board_guests"]
    date_hierarchy = "starts_at"


@admin.register(ClubFundApplication)
class ClubFundApplicationAdmin(admin.ModelAdmin):
    list_display = ["purpose", "club", "event_date", "amount", "status"]
    list_filter = ["status"]
    raw_id_fields = ["club", "decided_by", "created_by"]
