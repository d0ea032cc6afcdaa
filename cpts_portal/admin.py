from django.contrib import admin, messages

from cpts_portal.lib import outbox
from cpts_portal.lib.outbox import OutboxMessage

# Arguments never shown in the admin: an invitation link carries its secret token.
SECRET_KWARGS = {"url"}


class OutboxStateFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [
            ("pending", "en attente d'envoi"),
            ("failing", f"en échec ({outbox.FAILING_AFTER} tentatives ou plus)"),
            ("sent", "confié au broker, pas encore exécuté"),
            ("delivered", "exécuté"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "pending":
                return queryset.filter(sent_at=None)
            case "failing":
                return queryset.filter(sent_at=None, attempts__gte=outbox.FAILING_AFTER)
            case "sent":
                return queryset.exclude(sent_at=None).filter(delivered_at=None)
            case "delivered":
                return queryset.exclude(delivered_at=None)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "task",
        "created_at",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "delivered_at",
        "short_error",
    ]
    list_filter = [OutboxStateFilter, "task"]
    search_fields = ["task", "last_error"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "task",
        "arguments",
        "created_at",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "delivered_at",
        "last_error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="arguments")
    def arguments(self, obj):
        return {k: "(masqué)" if k in SECRET_KWARGS else v for k, v in obj.kwargs.items()}

    @admin.display(description="dernière erreur")
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description="Renvoyer les messages choisis (non encore exécutés)")
    def resend(self, request, queryset):
        count = outbox.resend(queryset)
        self.message_user(
            request, f"{count} message(s) remis en file d'envoi.", level=messages.SUCCESS
        )
