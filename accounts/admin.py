from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .forms import AdminLoginForm, AdminUserAddForm, AdminUserChangeForm
from .models import ExternalLogin, Membership, Organisation, User

# The admin's login page refuses passwords to accounts restricted to ProConnect, as the portal's.
admin.site.login_form = AdminLoginForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = AdminUserAddForm
    form = AdminUserChangeForm
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "profession",
        "login_method",
        "is_staff",
        "is_active",
    ]
    list_filter = ["login_method", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Connexion", {"fields": ["login_method"]}),
        ("Identité", {"fields": ["first_name", "last_name", "profession", "phone"]}),
        (
            "Droits",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "login_method",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        # A change here is a new version: a profile form open on the account page meanwhile
        # gets the conflict panel instead of overwriting it.
        if change:
            obj.version += 1
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ExternalLogin)
class ExternalLoginAdmin(admin.ModelAdmin):
    """The ProConnect logins and what the provider said of them: read only."""

    list_display = ["at", "user", "acr", "amr", "idp_id", "siret"]
    list_filter = ["acr", "idp_id"]
    search_fields = ["user__email", "subject", "siret"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "scope", "region"]
    list_filter = ["kind", "scope", "region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["departements"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
