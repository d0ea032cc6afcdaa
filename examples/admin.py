from django.contrib import admin

from .models import SharedFiche


@admin.register(SharedFiche)
class SharedFicheAdmin(admin.ModelAdmin):
    list_display = ["title", "mission", "show_cpts", "cpts_name", "size_tier", "updated_at"]
    list_filter = ["mission", "size_tier", "show_cpts"]
    search_fields = ["title", "cpts_name"]
    list_select_related = ["mission"]
