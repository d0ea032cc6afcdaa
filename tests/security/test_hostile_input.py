"""Hostile input posted to every form: never a 500, never a stored script rendered raw.

Each URL that takes a POST has its case below: who may post there (a demo account), the page
that holds the form (its fields are read from the page itself, so a new field is fuzzed too),
and the pages that show what was stored. Hypothesis then posts, per case, a few examples of
the form where each field is kept, dropped, repeated, replaced by another of its choices or by
hostile input: very long strings, HTML and `<script>`, NUL bytes, huge and negative numbers,
malformed dates, stale or missing versions, bodies in odd encodings or invalid UTF-8, and
random files. Every answer must be below 500, redirect only inside the portal and carry no
raw script; after a save, the pages that show the data must carry none either.

`test_every_post_view_has_a_hostile_input_case` walks the URL resolver: a new view that takes a
POST fails there until it has its case.

Each example runs in a savepoint rolled back at its end, so examples do not see each other's
data and the whole module stays fast.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

# --- Reading the forms of a page -----------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "textarea", "select" or "submit"
    value: str = ""
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False
    formaction: str = ""  # a submit button that posts the form elsewhere


@dataclass
class Form:
    action: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)
    forced: tuple[str, str] | None = None  # the button clicked to post to `action`

    def defaults(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as it is."""
        data: dict[str, list[str]] = {}
        for item in self.fields:
            if item.kind in ("submit", "file"):
                continue
            if item.kind in ("checkbox", "radio"):
                data.setdefault(item.name, [])
                if item.checked:
                    data[item.name].append(item.value)
            elif item.kind == "select":
                chosen = item.selected or ([] if item.multiple else item.options[:1])
                data.setdefault(item.name, []).extend(chosen)
            else:
                data.setdefault(item.name, []).append(item.value)
        return data

    def choices(self, name: str) -> list[str]:
        """The values the page offers for `name` (select options, radio and checkbox values)."""
        values = []
        for item in self.fields:
            if item.name == name:
                values.extend(item.options if item.kind == "select" else [])
                if item.kind in ("checkbox", "radio"):
                    values.append(item.value)
        return values

    def names(self, *kinds: str) -> list[str]:
        seen = []
        for item in self.fields:
            if item.kind not in ("submit",) and (not kinds or item.kind in kinds):
                if item.name not in seen:
                    seen.append(item.name)
        return seen

    def buttons(self) -> list[tuple[str, str]]:
        """The named buttons that submit the form to its own action: one may be clicked."""
        if self.forced is not None:
            return []
        return [
            (item.name, item.value)
            for item in self.fields
            if item.kind == "submit" and item.name and not item.formaction
        ]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = None
            if (attributes.get("method") or "get").lower() == "post":
                self._form = Form(
                    action=attributes.get("action") or "",
                    multipart="multipart" in (attributes.get("enctype") or ""),
                )
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "option" and self._select is not None:
            value = attributes.get("value") or ""
            self._select.options.append(value)
            if "selected" in attributes:
                self._select.selected.append(value)
            return
        if tag == "button" and attributes.get("formaction"):
            self._form.fields.append(
                Field(
                    name or "",
                    "submit",
                    attributes.get("value") or "",
                    formaction=attributes["formaction"],
                )
            )
            return
        if not name:
            return
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in ("image", "button", "reset"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.fields.append(
                Field(
                    name,
                    kind,
                    attributes.get("value") or default,
                    checked="checked" in attributes,
                )
            )
        elif tag == "button" and (attributes.get("type") or "submit") == "submit":
            self._form.fields.append(Field(name, "submit", attributes.get("value") or ""))
        elif tag == "textarea":
            self._textarea = Field(name, "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(name, "select", multiple="multiple" in attributes)
            self._form.fields.append(self._select)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser of a browser drops the newline that follows <textarea>.
            value = self._textarea.value
            self._textarea.value = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_posting_to(html: str, page_path: str, target_path: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    found = []

    def path(action):
        return urllib.parse.urlsplit(urllib.parse.urljoin(page_path, action or page_path)).path

    for form in parser.forms:
        if path(form.action) == target_path:
            found.append(form)
        for button in form.fields:
            if button.formaction and path(button.formaction) == target_path:
                fields = [f for f in form.fields if f.kind != "submit"]
                found.append(
                    Form(button.formaction, form.multipart, fields, (button.name, button.value))
                )
    return found


# --- Which views take a POST ---------------------------------------------------------------


def allowed_methods(callback) -> set[str] | None:
    """The HTTP methods a view accepts, or None when it accepts any (it decides itself)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    function = callback
    while function is not None:
        closure = inspect.getclosurevars(function).nonlocals
        if "request_method_list" in closure:  # django.views.decorators.http
            return {m.upper() for m in closure["request_method_list"]}
        function = getattr(function, "__wrapped__", None)
    return None


def post_url_names(resolver=None, namespace="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":  # Django's own admin
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= post_url_names(entry, prefix)
        elif isinstance(entry, URLPattern):
            methods = allowed_methods(entry.callback)
            if methods is None or "POST" in methods:
                names.add(f"{namespace}{entry.name}" if entry.name else entry.pattern.describe())
    return names


# --- The cases -----------------------------------------------------------------------------

PIC, UZEGE, LODEVE, THAU = (
    "pic-saint-loup",
    "uzege-pont-du-gard",
    "lodevois-larzac",
    "bassin-de-thau",
)
THAU_2 = {"slug": THAU, "year": 2}
CPTS = "cpts-pic-saint-loup"
CSV_MEMBERS = ("nom", "prénom", "profession", "e-mail", "qualité", "date d'adhésion", "commune")
CSV_INDICATORS = ("indicateur", "valeur", "unité", "année", "source", "type")


@dataclass(frozen=True)
class Case:
    url: str  # the URL name posted to
    user: str | None  # demo account that may post there (None: anonymous)
    kwargs: Any = None  # dict, or function of the demo data returning it
    page: str | None = None  # URL name of the page that holds the form (None: the same)
    page_kwargs: Any = None  # (default: kwargs)
    page_query: str = ""
    shows: tuple = ()  # (URL name, kwargs) of pages that show the stored data
    viewer: str | None = None  # another account that reads the `shows` pages
    setup: Callable | None = None  # prepares the data (once, in the test's transaction)
    valid: dict = field(default_factory=dict)  # values that make the form valid
    script_fields: tuple = ()  # fields that get the script in the stored-script test
    csv: tuple = ()  # the header of the CSV files posted to a file field
    then: Callable | None = None  # a follow-up post (confirming an import): then(client, resp)
    fields: dict | None = None  # the form's fields when no page holds it
    label: str = ""

    def resolve(self, demo, value):
        if value is None:
            return {}
        return value(demo) if callable(value) else value

    @property
    def id(self) -> str:
        return f"{self.url}{'-' + self.label if self.label else ''}"


def _pic_decision(demo):
    from governance.models import Deliberation

    decision = Deliberation.objects.filter(meeting__project__slug=PIC, meeting__number=3)
    return {**MEETING_3, "decision": decision.order_by("pk").first().pk}


def _pic_partnership(demo):
    from governance.models import Partnership

    return {"slug": PIC, "pk": Partnership.objects.filter(project__slug=PIC).first().pk}


def _pic_indemnity(demo):
    from governance.models import Indemnity

    return {"slug": PIC, "pk": Indemnity.objects.filter(project__slug=PIC).first().pk}


def _pic_failed_document(demo):
    from projects.models import Document

    document, _ = Document.objects.get_or_create(
        project=demo["projects"][PIC], kind="INTENTION_LETTER", content_hash="x", status="FAILED"
    )
    return {"slug": PIC, "pk": document.pk}


def _invitation(demo):
    from accounts.models import Invitation, Membership

    invitation = Invitation.objects.filter(
        organisation__slug=CPTS, email="invitee@exemple.fr"
    ).first() or Invitation.objects.create(
        organisation=demo["organisations"][CPTS],
        email="invitee@exemple.fr",
        role=Membership.Role.MEMBER,
        token_hash=hashlib.sha256(b"jeton-hostile").hexdigest(),
        sent_at="2026-11-20T10:00Z",
        expires_at="2099-01-01T10:00Z",
    )
    return {"slug": CPTS, "pk": invitation.pk}


def _invitation_token(demo):
    _invitation(demo)
    return {"token": "jeton-hostile"}


def _start_intention(demo):
    from lifecycle import transitions as lifecycle

    lifecycle.apply(
        project=demo["projects"][LODEVE],
        action="start_intention",
        by=demo["users"]["nadia.mercier"],
    )


def _karim_membership(demo):
    from accounts.models import Membership

    user = demo["users"]["karim.benali"]
    return {"slug": CPTS, "pk": Membership.objects.get(user=user, organisation__slug=CPTS).pk}


def _signup_token(demo):
    """The confirmation link of an account created alone, still waiting for it."""
    from accounts import signup
    from accounts.models import User

    email = "nouvelle.cpts@exemple.fr"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password="demo-cpts-2026-x", first_name="Nina", last_name="Roche"
    )
    if user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=False)
    return {"token": signup.confirmation_token(user)}


def _validate_uzege(demo):
    """The Uzège's projet de santé validated: its contract is signed in the portal."""
    from lifecycle import transitions as lifecycle

    lifecycle.apply(
        project=demo["projects"][UZEGE],
        action="validate",
        by=demo["users"]["laurent.bonnet"],
        confirm_missing_avis=True,
    )


def _shared_thau_fiche(demo):
    """A fiche of the Bassin de Thau (validated) shared in the library, seen from Pic."""
    from examples import services

    fiche = demo["projects"][THAU].fiches.order_by("number").first()
    shared = services.share(fiche=fiche, by=demo["users"]["lucie.bernard"], show_cpts=True)
    return {"slug": PIC, "pk": shared.pk}


def _thau_fiche(demo):
    return {"slug": THAU, "number": demo["projects"][THAU].fiches.order_by("number")[0].number}


def _confirm_member_import(client, response):
    if response.status_code == 200:
        return client.post(response.wsgi_request.path, {"action": "confirm"})
    return None


def _confirm_indicator_import(client, response):
    token = (response.context or {}).get("token") if response.status_code == 200 else None
    if token:
        return client.post(response.wsgi_request.path, {"confirm": token})
    return None


P = {"slug": PIC}
FICHE_1 = {"slug": PIC, "number": 1}
GOV = "governance:"
PIC_FICHE = ("missions:fiche-detail", FICHE_1)
BUDGET = ("funding:budget-detail", P)
MEETING_3 = {"slug": PIC, "number": 3}
CONTRACT_POSTS = ("lifecycle:contract-start", "lifecycle:contract-sign", "lifecycle:contract-pdf")
SECTIONS = ("intitule", "pilote", "constats", "planning", "moyens", "freins")
ROW_KINDS = ("sous-actions", "indicateurs", "membres")

CASES: list[Case] = [
    # --- accounts ---
    Case("accounts:login", None, valid={"username": "claire.martin@demo.cpts-portal.fr"}),
    Case("accounts:logout", "claire.martin", page="lifecycle:project-detail", page_kwargs=P),
    Case("accounts:password-reset", None),
    Case(
        "accounts:password-reset-confirm",
        None,
        {"uidb64": "MQ", "token": "invalide"},
        fields={"new_password1": "", "new_password2": ""},
    ),
    Case(
        "accounts:profile",
        "claire.martin",
        shows=(("team:team-detail", {"slug": CPTS}),),
        script_fields=("first_name", "last_name", "profession"),
    ),
    Case("accounts:password-change", "claire.martin"),
    Case("accounts:invitation-accept", None, _invitation_token),
    # Starting alone: the sign-up, its "check your mailbox" page, the link, then the wizard.
    Case("accounts:signup", None),
    Case("accounts:signup-sent", None),
    Case("accounts:signup-confirm", None, _signup_token),
    Case("start:project-start", "claire.martin", valid={"cpts_name": "CPTS hostile"}),
    Case(
        "team:invitation-create",
        "claire.martin",
        {"slug": CPTS},
        page="team:team-detail",
        shows=(("team:team-detail", {"slug": CPTS}),),
    ),
    *(
        Case(name, "claire.martin", kwargs, page="team:team-detail", page_kwargs={"slug": CPTS})
        for name, kwargs in (
            ("team:invitation-resend", _invitation),
            ("team:invitation-cancel", _invitation),
            ("team:membership-update", _karim_membership),
            ("team:membership-remove", _karim_membership),
        )
    ),
    # --- projects ---
    Case(
        "lifecycle:project-transition",
        "claire.martin",
        P,
        page="lifecycle:project-detail",
        shows=(("lifecycle:project-detail", P),),
        label="coordinator",
    ),
    Case(
        "lifecycle:project-transition",
        "laurent.bonnet",
        {"slug": UZEGE},
        page="lifecycle:project-detail",
        shows=(("lifecycle:project-detail", {"slug": UZEGE}),),
        viewer="thomas.lefevre",
        label="decider",
    ),
    Case(
        "lifecycle:project-transition",
        "camille.dupuis",
        {"slug": UZEGE},
        page="lifecycle:project-detail",
        shows=(("lifecycle:project-detail", {"slug": UZEGE}),),
        label="reviewer",
    ),
    Case(
        "lifecycle:intention-letter",
        "nadia.mercier",
        {"slug": LODEVE},
        setup=_start_intention,
        shows=(("lifecycle:intention-letter", {"slug": LODEVE}),),
        script_fields=("porteur", "territory", "diagnostic", "missions"),
    ),
    Case(
        "lifecycle:review-detail",
        "camille.dupuis",
        {"slug": UZEGE},
        shows=(("lifecycle:review-detail", {"slug": UZEGE}),),
        viewer="pierre.blanc",
        script_fields=("text",),
    ),
    Case(
        "lifecycle:avis-detail",
        "camille.dupuis",
        {"slug": UZEGE, "body": "ARS_DD"},
        shows=(("lifecycle:avis-detail", {"slug": UZEGE, "body": "ARS_DD"}),),
        viewer="pierre.blanc",
        script_fields=("motivation", "missions_comment"),
    ),
    Case("lifecycle:calendar-feed-manage", "sophie.garnier", P, page="lifecycle:deadlines"),
    # The yearly follow-up of the Bassin de Thau's contract (Hérault).
    Case(
        "lifecycle:dialogue",
        "lucie.bernard",
        THAU_2,
        shows=(("lifecycle:dialogue", THAU_2),),
        viewer="marie.chevalier",
        valid={"meeting_date": "2027-03-15"},
        script_fields=("minutes",),
    ),
    Case("lifecycle:dialogue-sign", "lucie.bernard", THAU_2, page="lifecycle:dialogue"),
    Case(
        "lifecycle:payment-create",
        "marie.chevalier",
        THAU_2,
        page="lifecycle:dialogue",
        shows=(("lifecycle:dialogue", THAU_2),),
        viewer="lucie.bernard",
        valid={"paid_on": "2027-04-01", "amount": "1 000"},
        script_fields=("reference",),
    ),
    Case(
        "lifecycle:dialogue-report",
        "lucie.bernard",
        {"slug": THAU, "year": 1},
        page="lifecycle:dialogue",
    ),
    Case("lifecycle:document-create", "claire.martin", P, page="lifecycle:document-list"),
    Case(
        "lifecycle:document-retry",
        "claire.martin",
        _pic_failed_document,
        page="lifecycle:document-detail",
    ),
    # The DD ARS of the Gard records the day it received the Uzège's file.
    Case(
        "lifecycle:reception-date",
        "camille.dupuis",
        {"slug": UZEGE},
        page="lifecycle:review-detail",
        shows=(("lifecycle:review-detail", {"slug": UZEGE}),),
    ),
    # The Thau's contract is signed: its coordinator declares facts, adopts the year's basis.
    Case(
        "lifecycle:fact-create",
        "lucie.bernard",
        {"slug": THAU},
        page="lifecycle:followup",
        shows=(("lifecycle:followup", {"slug": THAU}),),
        viewer="marie.chevalier",
        valid={"happened_on": "2026-01-15"},
        script_fields=("note",),
    ),
    Case("lifecycle:dialogue-basis", "lucie.bernard", THAU_2, page="lifecycle:dialogue"),
    # The Uzège validated: its contract is signed in the portal (the Gard's DD ARS here).
    *(
        Case(
            name,
            "camille.dupuis",
            {"slug": UZEGE},
            page="lifecycle:contract",
            setup=_validate_uzege,
            shows=(("lifecycle:contract", {"slug": UZEGE}),),
        )
        for name in CONTRACT_POSTS
    ),
    # --- examples (the library of fiches-actions) ---
    Case(
        "examples:example-start",
        "claire.martin",
        {"slug": PIC, "key": "orientation-soins-non-programmes"},
        page="examples:example-detail",
        shows=(("missions:mission-list", P),),
    ),
    Case(
        "examples:shared-start",
        "claire.martin",
        _shared_thau_fiche,
        page="examples:shared-detail",
        shows=(("missions:mission-list", P),),
    ),
    Case(
        "examples:share-fiche",
        "lucie.bernard",
        _thau_fiche,
        page="examples:sharing",
        page_kwargs={"slug": THAU},
        shows=(("examples:library", P),),
        viewer="claire.martin",
    ),
    # --- diagnostics ---
    Case(
        "diagnostics:territory-change",
        "claire.martin",
        P,
        page="diagnostics:territory-detail",
        page_query="q=Saint",
        shows=(("diagnostics:territory-detail", P),),
    ),
    Case(
        "diagnostics:indicator-import",
        "claire.martin",
        P,
        csv=CSV_INDICATORS,
        then=_confirm_indicator_import,
        shows=(("diagnostics:diagnostic-detail", P),),
    ),
    Case(
        "diagnostics:section-edit",
        "claire.martin",
        {"slug": PIC, "key": "besoins"},
        shows=(("diagnostics:diagnostic-detail", P),),
        viewer="isabelle.moreau",
        script_fields=("text", "need-0-label", "need-0-source"),
        label="besoins",
    ),
    Case(
        "diagnostics:section-edit",
        "claire.martin",
        {"slug": PIC, "key": "population"},
        shows=(("diagnostics:diagnostic-detail", P),),
        viewer="isabelle.moreau",
        script_fields=("text", "ind-0-label", "ind-0-source"),
        label="population",
    ),
    # --- missions ---
    Case(
        "missions:fiche-create",
        "claire.martin",
        P,
        shows=(("missions:mission-list", P),),
        valid={"title": "Nouvelle action"},
        script_fields=("title",),
    ),
    *(
        Case(
            "missions:fiche-section",
            "claire.martin",
            {**FICHE_1, "section": section},
            page="missions:fiche-detail",
            page_kwargs=FICHE_1,
            shows=(PIC_FICHE, ("missions:mission-list", P)),
            viewer="karim.benali",
            label=section,
        )
        for section in SECTIONS
    ),
    Case(
        "missions:result-edit",
        "claire.martin",
        {**FICHE_1, "indicator": 1, "year": 1},
        shows=(("missions:fiche-results", FICHE_1),),
        viewer="isabelle.moreau",
    ),
    Case(
        "missions:fiche-delete",
        "claire.martin",
        FICHE_1,
        shows=(("missions:mission-list", P),),
    ),
    *(
        Case(
            "missions:row-create",
            "claire.martin",
            {**FICHE_1, "kind": kind},
            page="missions:fiche-detail",
            page_kwargs=FICHE_1,
            shows=(PIC_FICHE,),
            viewer="karim.benali",
            label=kind,
        )
        for kind in ROW_KINDS
    ),
    *(
        Case(
            "missions:row-update",
            "claire.martin",
            {**FICHE_1, "kind": kind, "row": 1},
            page="missions:fiche-detail",
            page_kwargs=FICHE_1,
            shows=(PIC_FICHE,),
            viewer="karim.benali",
            label=kind,
        )
        for kind in ROW_KINDS
    ),
    Case(
        "missions:row-move",
        "claire.martin",
        {**FICHE_1, "kind": "indicateurs", "row": 1},
        page="missions:fiche-detail",
        page_kwargs=FICHE_1,
    ),
    Case(
        "missions:row-delete",
        "claire.martin",
        {**FICHE_1, "kind": "sous-actions", "row": 1},
        page="missions:fiche-detail",
        page_kwargs=FICHE_1,
    ),
    # --- governance ---
    Case(
        GOV + "association-edit",
        "sophie.garnier",
        P,
        shows=((GOV + "overview", P),),
        viewer="isabelle.moreau",
        script_fields=("name", "seat", "purpose"),
    ),
    Case(
        GOV + "information-system-edit",
        "claire.martin",
        P,
        shows=((GOV + "information-system", P),),
        viewer="isabelle.moreau",
        script_fields=("needs", "coordination_tool", "other"),
    ),
    Case(
        GOV + "member-create",
        "claire.martin",
        P,
        shows=((GOV + "member-list", P),),
        viewer="isabelle.moreau",
        script_fields=("last_name", "first_name"),
    ),
    Case(
        GOV + "member-import",
        "claire.martin",
        P,
        csv=CSV_MEMBERS,
        then=_confirm_member_import,
        shows=((GOV + "member-list", P),),
    ),
    Case(
        GOV + "member-edit",
        "claire.martin",
        {"slug": PIC, "number": 1},
        shows=((GOV + "member-list", P),),
        viewer="isabelle.moreau",
        script_fields=("last_name", "first_name"),
    ),
    Case(
        GOV + "instance-create",
        "claire.martin",
        P,
        shows=((GOV + "overview", P),),
        valid={"slug": "commission-hostile"},
        script_fields=("name", "role"),
    ),
    Case(
        GOV + "rules-edit",
        "claire.martin",
        {"slug": PIC, "instance": "bureau"},
        shows=((GOV + "instance-detail", {"slug": PIC, "instance": "bureau"}),),
    ),
    Case(
        GOV + "mandate-create",
        "claire.martin",
        {"slug": PIC, "instance": "bureau"},
        shows=((GOV + "instance-detail", {"slug": PIC, "instance": "bureau"}),),
    ),
    Case(
        GOV + "mandate-edit",
        "claire.martin",
        {"slug": PIC, "number": 1},
        shows=((GOV + "bureau", P),),
    ),
    Case(
        GOV + "meeting-create",
        "claire.martin",
        P,
        shows=((GOV + "meeting-list", P),),
        valid={"meeting_date": "2026-06-15"},
        script_fields=("title", "place"),
    ),
    Case(
        GOV + "meeting-edit",
        "claire.martin",
        {"slug": PIC, "number": 4},
        shows=((GOV + "meeting-detail", {"slug": PIC, "number": 4}),),
        viewer="isabelle.moreau",
        script_fields=("title", "place"),
    ),
    Case(
        GOV + "meeting-attendance",
        "claire.martin",
        MEETING_3,
        shows=((GOV + "meeting-detail", MEETING_3),),
    ),
    Case(
        GOV + "decision-create",
        "claire.martin",
        MEETING_3,
        shows=((GOV + "meeting-detail", MEETING_3),),
        viewer="isabelle.moreau",
        script_fields=("title", "text"),
    ),
    Case(
        GOV + "minutes-edit",
        "claire.martin",
        MEETING_3,
        shows=((GOV + "meeting-detail", MEETING_3),),
        viewer="isabelle.moreau",
        script_fields=("minutes",),
    ),
    Case(
        GOV + "document-upload",
        "claire.martin",
        P,
        shows=((GOV + "overview", P),),
        viewer="isabelle.moreau",
    ),
    Case(
        GOV + "partnership-list",
        "claire.martin",
        P,
        shows=((GOV + "partnership-list", P),),
        viewer="isabelle.moreau",
    ),
    Case(
        GOV + "indemnity-list",
        "claire.martin",
        P,
        shows=((GOV + "indemnity-list", P),),
    ),
    Case(
        GOV + "instance-edit",
        "claire.martin",
        {"slug": PIC, "instance": "bureau"},
        shows=((GOV + "instance-detail", {"slug": PIC, "instance": "bureau"}),),
        viewer="isabelle.moreau",
        script_fields=("name", "role"),
    ),
    Case(
        GOV + "decision-edit",
        "claire.martin",
        _pic_decision,
        shows=((GOV + "meeting-detail", MEETING_3),),
        viewer="isabelle.moreau",
        script_fields=("text",),
    ),
    Case(
        GOV + "document-edit",
        "claire.martin",
        {"slug": PIC, "number": 1},
        shows=((GOV + "overview", P),),
        viewer="isabelle.moreau",
        script_fields=("title", "version_label"),
    ),
    Case(
        GOV + "partnership-edit",
        "claire.martin",
        _pic_partnership,
        shows=((GOV + "partnership-list", P),),
        viewer="isabelle.moreau",
        script_fields=("partner", "purpose"),
    ),
    Case(
        GOV + "indemnity-edit",
        "claire.martin",
        _pic_indemnity,
        shows=((GOV + "indemnity-list", P),),
        script_fields=("purpose",),
    ),
    # --- funding ---
    # Lodève has no budget yet: its coordinator creates it.
    Case("funding:budget-create", "nadia.mercier", {"slug": LODEVE}, page="funding:budget-detail"),
    Case(
        "funding:budget-settings",
        "claire.martin",
        P,
        shows=(BUDGET,),
    ),
    Case(
        "funding:line-create",
        "claire.martin",
        P,
        shows=(BUDGET,),
        viewer="isabelle.moreau",
        valid={"amount": "1 200"},
        script_fields=("label",),
    ),
    Case(
        "funding:line-update",
        "claire.martin",
        {"slug": PIC, "number": 1},
        shows=(BUDGET, ("funding:line-history", {"slug": PIC, "number": 1})),
        viewer="isabelle.moreau",
        script_fields=("label",),
    ),
    Case("funding:line-delete", "claire.martin", {"slug": PIC, "number": 1}, shows=(BUDGET,)),
    Case(
        "funding:grant-create",
        "claire.martin",
        P,
        shows=(BUDGET,),
        viewer="isabelle.moreau",
        valid={"amount": "4 000", "funder": "Commune"},
        script_fields=("title",),
    ),
    Case(
        "funding:grant-update",
        "claire.martin",
        {"slug": PIC, "number": 1},
        shows=(BUDGET,),
        viewer="isabelle.moreau",
        script_fields=("funder", "title"),
    ),
]

# --- Hostile values ------------------------------------------------------------------------

SCRIPT = "<script>alert(4242)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(4242)&lt;/script&gt;"
# What must never reach a page unescaped.
RAW_MARKERS = ("<script>alert(", "<img src=x onerror", "<svg/onload", "<svg onload")
HOSTILE_TEXTS = [
    SCRIPT,
    f'"><{SCRIPT[1:]}',
    "'><img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "\x00",
    "nul\x00au milieu",
    "A" * 100_000,
    "é" * 3000 + SCRIPT,
    "-1",
    "0",
    "-0",
    "-999999999999999999999999",
    "99999999999999999999999999999999999999",
    "1e308",
    "1e-400",
    "NaN",
    "inf",
    "-inf",
    "3.14159265358979323846264338327950288419716939937510",
    "1,5",
    "12 500",
    "0x1F",
    "2026-02-30",
    "31/02/2026",
    "0000-00-00",
    "9999-12-31",
    "99999-01-01",
    "-2026-01-01",
    "2026-13-45",
    "demain",
    "",
    " ",
    "\r\nSet-Cookie: pris=1",
    "\t",
    "None",
    "[]",
    "{}",
    "{{ request }}{% debug %}",
    "../../../etc/passwd",
    "' OR '1'='1",
    "\u202eroc.evil",
    "😀" * 50,
    "\ufeff",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
)
hostile_bytes = st.one_of(
    st.binary(max_size=60),
    st.sampled_from([b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80", b"caf\xe9", b"\x00\x00"]),
)
CHARSETS = ["utf-8", "latin-1", "utf-16", "cp1252", "shift_jis", "x-inconnu", None]
EXTRA_NAMES = ["next", "operation", "action", "confirm", "direction", "kind", "version", "id"]


def _csv_files(header: tuple) -> st.SearchStrategy:
    """CSV files with the expected header and hostile cells, in an encoding drawn too."""
    rows = st.lists(st.lists(hostile_text, min_size=len(header), max_size=len(header)), max_size=4)

    def encode(args):
        rows, encoding, separator = args
        lines = [separator.join(header)] + [
            separator.join(cell.replace("\n", " ").replace(separator, " ") for cell in row)
            for row in rows
        ]
        return "\n".join(lines).encode(encoding, errors="replace")

    return st.tuples(
        rows,
        st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
        st.sampled_from([";", ",", "\t"]),
    ).map(encode)


FILE_CONTENTS = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"%PDF-1.4\n" + SCRIPT.encode(),
            b"PK\x03\x04" + b"\x00" * 40,
            b"MZ\x90\x00" + b"\x00" * 40,
            SCRIPT.encode(),
            "nom;prénom\n<script>;\x00\n".encode("utf-16"),
        ]
    ),
)
FILE_NAMES = st.one_of(
    st.sampled_from(["statuts.pdf", "../../etc/passwd", f"{SCRIPT}.pdf", "a\x00b.pdf", "x" * 300]),
    st.text(max_size=30),
)


@st.composite
def version_values(draw, default: list[str]):
    current = default[0] if default else ""
    number = int(current) if current.isdigit() else 1
    return draw(
        st.sampled_from(
            [
                default,
                None,
                [str(number - 1)],
                [str(number + 1)],
                ["0"],
                ["-1"],
                ["abc"],
                ["9" * 30],
                ["1.5"],
                [str(number), str(number + 7)],
            ]
        )
    )


@st.composite
def submissions(draw, case: Case, forms: list[Form]):
    """One posted form: (pairs of name and value, files, content type of the body)."""
    form = draw(st.sampled_from(forms))
    defaults = form.defaults()
    for name, value in case.valid.items():
        if name in defaults:
            defaults[name] = [value]
    files = {}
    pairs: list[tuple[str, str]] = []
    for name in form.names():
        default = defaults.get(name, [])
        kinds = {f.kind for f in form.fields if f.name == name}
        if "file" in kinds:
            if draw(st.booleans()):
                content = draw(_csv_files(case.csv)) if case.csv and draw(st.booleans()) else None
                if content is None:
                    content = draw(FILE_CONTENTS)
                files[name] = SimpleUploadedFile(draw(FILE_NAMES) or "f", content)
            continue
        if name.endswith("version"):
            values = draw(version_values(default))
        else:
            mode = draw(st.sampled_from(["keep", "keep", "hostile", "choice", "omit", "many"]))
            choices = form.choices(name)
            if mode == "keep":
                values = default
            elif mode == "omit":
                values = None
            elif mode == "choice" and choices:
                values = [draw(st.sampled_from(choices))]
            elif mode == "many":
                pool = st.sampled_from(choices) | hostile_text if choices else hostile_text
                values = draw(st.lists(pool, min_size=2, max_size=3))
            else:
                values = [draw(hostile_text)]
        pairs.extend((name, value) for value in values or [])
    if form.forced and form.forced[0]:
        pairs.append(form.forced)
    buttons = form.buttons()
    if buttons:
        button = draw(st.sampled_from([None, *buttons]))
        if button:
            pairs.append(button)
    pairs.extend(draw(st.lists(st.tuples(st.sampled_from(EXTRA_NAMES), hostile_text), max_size=2)))
    if files or form.multipart:
        return pairs, files, "multipart"
    if draw(st.integers(0, 5)) == 0:
        # A body in an odd encoding, or not text at all.
        charset = draw(st.sampled_from(CHARSETS))
        raw = []
        for name, value in pairs:
            if draw(st.booleans()):
                encoded = draw(hostile_bytes)
            else:
                encoded = (
                    value.encode(charset or "utf-8", errors="replace")
                    if charset != "x-inconnu"
                    else value.encode("utf-8")
                )
            raw.append(f"{urllib.parse.quote(name)}={urllib.parse.quote_from_bytes(encoded)}")
        content_type = "application/x-www-form-urlencoded"
        if charset:
            content_type += f"; charset={charset}"
        return "&".join(raw).encode("ascii"), {}, content_type
    return pairs, {}, "application/x-www-form-urlencoded"


# Whatever the draw, each form also gets one post per value below in all its typed fields
# (hidden fields and choices kept, so that the post reaches the code that stores the text),
# and one per value of EVERY_FIELD in all its fields.
TYPED_FIELDS = ["nul\x00au milieu", SCRIPT, "-9" + "9" * 40, "2026-02-30", "A" * 5_000]
SWEPT_FORMS = 2  # a page with many forms posting to one URL (one per commune): the first ones
EVERY_FIELD = ["nul\x00au milieu", "9" * 40]
TYPED = {"text", "textarea", "email", "number", "date", "datetime-local", "password", "search"}
TYPED |= {"tel", "url", "time", "month"}


def sweep(form: Form, value: str, *, typed_only: bool):
    """The form with `value` in its fields (never the version nor the CSRF token)."""
    defaults = form.defaults()
    pairs = []
    for name in form.names():
        kinds = {f.kind for f in form.fields if f.name == name}
        if "file" in kinds:
            continue
        keep = name.endswith("version") or name == "csrfmiddlewaretoken"
        keep = keep or (typed_only and not kinds & TYPED)
        pairs.extend((name, v) for v in (defaults.get(name) if keep else None) or [value])
    if form.forced and form.forced[0]:
        pairs.append(form.forced)
    if not typed_only:
        pairs.append(("next", value))
    return pairs, {}, "multipart" if form.multipart else "application/x-www-form-urlencoded"


def _post(client: Client, url: str, submission, *, htmx: bool):
    pairs, files, content_type = submission
    headers = {"HX-Request": "true"} if htmx else {}
    if content_type == "multipart":
        data: dict[str, Any] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        data.update(files)
        return client.post(url, data, headers=headers)
    if isinstance(pairs, bytes):  # sent as it is (the client would re-encode it)
        return client.generic("POST", url, pairs, content_type=content_type, headers=headers)
    return client.post(
        url, urllib.parse.urlencode(pairs), content_type=content_type, headers=headers
    )


def _carries_script(submission) -> bool:
    pairs, files, _ = submission
    if isinstance(pairs, bytes):
        return b"script" in pairs or b"onerror" in pairs or b"onload" in pairs
    texts = [value for _, value in pairs]
    texts += [f.name for f in files.values()]
    return any(marker in text for text in texts for marker in ("<script", "onerror", "onload"))


# --- Checking the answers ------------------------------------------------------------------


def check_answer(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        assert url_has_allowed_host_and_scheme(
            location, allowed_hosts={"testserver"}
        ), f"{what}: redirects out of the portal to {location!r}"
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return
    body = response.content.decode("utf-8", errors="replace")
    for marker in RAW_MARKERS:
        assert marker not in body, f"{what}: raw {marker!r} in the page"


def _login(client: Client, user) -> Client:
    """Log `user` in (None: anonymous). A Client loads the middleware at its first request,
    which costs: tests keep theirs and log in again for each example (the session of the
    previous example was rolled back)."""
    client.logout()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _form_of(case: Case, demo) -> tuple[str, list[Form]]:
    """The URL posted to and the forms of the page that post there."""
    url = reverse(case.url, kwargs=case.resolve(demo, case.kwargs))
    if case.fields is not None:
        form = Form(url, False, [Field(name, "text", value) for name, value in case.fields.items()])
        return url, [form]
    page_kwargs = case.page_kwargs if case.page_kwargs is not None else case.kwargs
    page = reverse(case.page or case.url, kwargs=case.resolve(demo, page_kwargs))
    if case.page_query:
        page += "?" + case.page_query
    user = demo["users"][case.user] if case.user else None
    response = _login(Client(), user).get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    forms = forms_posting_to(response.content.decode(), page, url)
    assert forms, f"no form of {page} posts to {url}"
    return url, forms


# --- The tests -----------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "10"))  # drawn, besides the sweep
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    derandomize=os.environ.get("CI", "").lower() == "true",  # reproducible in CI
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_post_view_has_a_hostile_input_case():
    covered = {case.url for case in CASES}

    missing = sorted(post_url_names() - covered)
    unknown = sorted(covered - post_url_names())

    assert not missing, f"views taking a POST without a hostile-input case: {missing}"
    assert not unknown, f"cases of URLs that take no POST (or no longer exist): {unknown}"


def test_allowed_methods_reads_the_decorators_and_the_class_views():
    from django.views.decorators.http import require_GET, require_http_methods, require_POST
    from django.views.generic import FormView, TemplateView

    def view(request):
        return None

    assert allowed_methods(require_GET(view)) == {"GET"}
    assert allowed_methods(require_POST(view)) == {"POST"}
    assert allowed_methods(require_http_methods(["GET", "POST"])(view)) == {"GET", "POST"}
    assert allowed_methods(view) is None
    assert "POST" not in allowed_methods(TemplateView.as_view())
    assert "POST" in allowed_methods(FormView.as_view())


def test_the_form_reader_finds_the_fields_a_browser_would_send():
    html = """
    <form method="get" action="/x/"><input name="q"></form>
    <form method="post" action="/x/"><input type="hidden" name="version" value="3">
    <textarea name="text">
&lt;b&gt;</textarea><select name="s"><option value="a">A</option>
    <option value="b" selected>B</option></select><input type="checkbox" name="c">
    <input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>
    <button type="submit" name="operation" value="submit">Go</button></form>
    """
    (form,) = forms_posting_to(html, "/page/", "/x/")

    assert form.defaults() == {
        "version": ["3"],
        "text": ["<b>"],
        "s": ["b"],
        "c": [],
        "r": ["2"],
    }
    assert form.choices("s") == ["a", "b"] and form.choices("r") == ["1", "2"]
    assert form.buttons() == [("operation", "submit")]


def test_the_answer_check_catches_raw_scripts_and_redirects_out():
    from django.http import HttpResponse, HttpResponseRedirect

    with pytest.raises(AssertionError, match="raw"):
        check_answer(HttpResponse(f"<p>{SCRIPT}</p>"), "page")
    with pytest.raises(AssertionError, match="out of the portal"):
        check_answer(HttpResponseRedirect("https://evil.example/"), "page")
    with pytest.raises(AssertionError, match="out of the portal"):
        check_answer(HttpResponseRedirect("//evil.example/"), "page")
    with pytest.raises(AssertionError):
        check_answer(HttpResponse(status=500), "page")
    check_answer(HttpResponse(f"<p>{SCRIPT_ESCAPED}</p>"), "page")


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_never_breaks_a_form(demo, case):
    if case.setup:
        case.setup(demo)
    url, forms = _form_of(case, demo)
    poster = demo["users"][case.user] if case.user else None
    viewer = demo["users"][case.viewer] if case.viewer else None
    shows = [reverse(name, kwargs=case.resolve(demo, kwargs)) for name, kwargs in case.shows]
    client, reader = Client(), Client()

    @HYPOTHESIS
    @given(submission=submissions(case, forms), htmx=st.booleans())
    def post_hostile_input(submission, htmx):
        with transaction.atomic():
            _login(client, poster)
            response = _post(client, url, submission, htmx=htmx)
            check_answer(response, f"POST {url}")
            if case.then:
                followed = case.then(client, response)
                if followed is not None:
                    check_answer(followed, f"POST {url} (confirmation)")
            if response.status_code < 400 and _carries_script(submission):
                readers = [client] + ([_login(reader, viewer)] if viewer else [])
                for someone in readers:
                    for page in shows:
                        check_answer(someone.get(page), f"GET {page} after POST {url}")
            transaction.set_rollback(True)

    swept = forms[:SWEPT_FORMS]
    sweeps = [sweep(form, value, typed_only=True) for form in swept for value in TYPED_FIELDS]
    sweeps += [sweep(form, value, typed_only=False) for form in swept for value in EVERY_FIELD]
    for submission in sweeps:
        post_hostile_input = example(submission=submission, htmx=False)(post_hostile_input)
    post_hostile_input()


def _errors(response) -> str:
    """The form errors of an answer, to say why a save was refused."""
    errors = {}
    for context in response.context or []:
        for key, value in context.flatten().items() if hasattr(context, "flatten") else []:
            if hasattr(value, "errors") and value.errors:
                errors[key] = value.errors
    return f"{response.status_code}: {errors}"


STORED_CASES = [case for case in CASES if case.script_fields]


@pytest.mark.django_db
@pytest.mark.parametrize("case", STORED_CASES, ids=[case.id for case in STORED_CASES])
def test_a_stored_script_is_shown_escaped(demo, case):
    """A valid save whose texts are scripts: stored as typed, shown escaped to everyone."""
    if case.setup:
        case.setup(demo)
    url, forms = _form_of(case, demo)
    data = forms[0].defaults()
    for item in forms[0].fields:  # a required choice left on its empty option: the first one
        if item.kind == "select" and data.get(item.name) in ([], [""]) and any(item.options):
            data[item.name] = [next(option for option in item.options if option)]
    data.update({name: [value] for name, value in case.valid.items()})
    for name in case.script_fields:
        data[name] = [SCRIPT]
    client = _login(Client(), demo["users"][case.user])

    response = client.post(url, data)

    assert response.status_code in (200, 302), _errors(response)
    check_answer(response, f"POST {url}")
    readers = [client] + ([_login(Client(), demo["users"][case.viewer])] if case.viewer else [])
    for reader in readers:
        for name, kwargs in case.shows:
            page = reverse(name, kwargs=case.resolve(demo, kwargs))
            shown = reader.get(page)
            check_answer(shown, f"GET {page}")
            assert SCRIPT_ESCAPED in shown.content.decode(), f"the script is not shown on {page}"


# --- What the hostile input found, kept as plain regressions --------------------------------


@pytest.mark.django_db
def test_a_login_name_longer_than_the_field_is_refused_not_a_500(demo, client):
    response = client.post(reverse("accounts:login"), {"username": "a" * 300, "password": "x"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_transition_comment_with_a_nul_byte_is_refused_in_french(demo, login):
    from projects.models import ProjectEvent

    client = login(demo["users"]["camille.dupuis"])

    response = client.post(
        reverse("lifecycle:project-transition", args=[UZEGE]),
        {"action": "declare_incomplete", "comment": "pièces\x00manquantes"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Commentaire : " in response.content.decode()
    assert not ProjectEvent.objects.filter(project__slug=UZEGE, action="declare_incomplete")


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "\x00", "x"])
def test_a_transition_goes_back_only_to_a_page_of_the_portal(demo, login, target):
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        reverse("lifecycle:project-transition", args=[PIC]), {"action": "", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/projets/{PIC}/"


@pytest.mark.django_db
def test_a_members_csv_with_lone_carriage_returns_reads_them_as_line_ends(demo, login):
    client = login(demo["users"]["claire.martin"])
    previews = []
    for end in (b"\r", b"\n"):
        content = end.join([b"nom;prenom", b"Martin;Claire", b"Durand;Paul", b""])
        response = client.post(
            reverse("governance:member-import", args=[PIC]),
            {"file": SimpleUploadedFile("membres.csv", content)},
        )
        previews.append((response.status_code, response.context["preview"].errors))

    assert previews[0] == previews[1]
    assert [error[:7] for error in previews[0][1]] == ["Ligne 2", "Ligne 3"]  # no profession


@pytest.mark.django_db
def test_a_members_csv_with_a_field_over_the_csv_limit_is_refused_in_french(demo, login):
    client = login(demo["users"]["claire.martin"])
    content = b"nom;prenom\n" + b"x" * 200_000 + b";y\n"

    response = client.post(
        reverse("governance:member-import", args=[PIC]),
        {"file": SimpleUploadedFile("membres.csv", content)},
    )

    assert response.status_code == 422
    assert "le fichier CSV est mal formé" in response.content.decode()


# --- CSV imports confirmed, and formset counts ---------------------------------------------

# A row each import accepts; the fuzz puts one hostile value in one of its cells, after enough
# good rows for the hostile one to lie past the bytes a CSV reader sniffs.
VALID_CSV_ROWS = {
    CSV_MEMBERS: (
        "Dupont",
        "Anne",
        "infirmière",
        "anne@exemple.fr",
        "actif",
        "01/01/2026",
        "34276",
    ),
    CSV_INDICATORS: ("Part des 75 ans", "11,2", "%", "2021", "INSEE", "indicateur"),
}
CSV_HOSTILE_CELLS = [
    "\x00",
    "Du\x00pont",
    "9" * 12,
    "-" + "9" * 40,
    "1e15",
    "99999999999,99999",
    "NaN",
    "Infinity",
    "A" * 5_000,
    '=HYPERLINK("https://evil.example/")',
    "+33 6 12 34 56 78",
    "'=1+1",
    "\r",
    "2026-02-30",
    "32767",
    "99999",
]
CSV_CASES = [case for case in CASES if case.csv and case.then]


@st.composite
def confirmable_csv(draw, header: tuple) -> bytes:
    good = VALID_CSV_ROWS[header]
    padding = draw(st.sampled_from([0, 1, 60]))
    cells = list(good)
    cells[draw(st.integers(0, len(cells) - 1))] = draw(
        st.sampled_from(CSV_HOSTILE_CELLS) | hostile_text
    )
    lines = [";".join(header)]
    lines += [";".join(good).replace("Dupont", f"Dupont{i}") for i in range(padding)]
    lines.append(";".join(cell.replace(";", ",").replace("\n", " ") for cell in cells))
    return "\n".join(lines).encode(
        draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), "replace"
    )


def _csv_with(header: tuple, padding: int, column: int, value: str) -> bytes:
    good = VALID_CSV_ROWS[header]
    cells = [value if index == column else cell for index, cell in enumerate(good)]
    lines = [";".join(header)] + [
        ";".join(good).replace("Dupont", f"Dupont{i}") for i in range(padding)
    ]
    return "\n".join([*lines, ";".join(cells)]).encode()


def test_every_csv_import_is_fuzzed_up_to_its_confirmation():
    assert {case.url for case in CSV_CASES} == {
        "diagnostics:indicator-import",
        "governance:member-import",
    }
    assert all(case.csv in VALID_CSV_ROWS for case in CSV_CASES)


@pytest.mark.parametrize("case", CSV_CASES, ids=[case.id for case in CSV_CASES])
def test_a_hostile_csv_previewed_then_confirmed_never_breaks(demo, case):
    """A file whose rows pass or nearly pass the preview, then the confirmation: what the
    preview accepts, the confirmation stores (never a 500)."""
    url, forms = _form_of(case, demo)
    poster = demo["users"][case.user]
    client = Client()
    confirmed = []

    @HYPOTHESIS
    @given(content=confirmable_csv(case.csv))
    @example(content="\n".join([";".join(case.csv), ";".join(VALID_CSV_ROWS[case.csv])]).encode())
    @example(content=_csv_with(case.csv, 60, 0, "Du\x00pont"))  # a NUL past the sniffed bytes
    @example(content=_csv_with(case.csv, 0, 1, "-" + "9" * 13))  # a number the database refuses
    def post_then_confirm(content):
        with transaction.atomic():
            _login(client, poster)
            data = {name: values for name, values in forms[0].defaults().items() if values}
            data["file"] = SimpleUploadedFile("import.csv", content)
            response = client.post(url, data)
            check_answer(response, f"POST {url}")
            followed = case.then(client, response)
            if followed is not None:
                check_answer(followed, f"POST {url} (confirmation)")
                confirmed.append(followed.status_code)
            transaction.set_rollback(True)

    post_then_confirm()
    assert confirmed, "no example reached the confirmation"


FORMSET_CASES = [case for case in CASES if case.url == "diagnostics:section-edit"]
FORM_BODY = "application/x-www-form-urlencoded"
HOSTILE_COUNTS = st.one_of(
    st.sampled_from(["99999999", "9" * 40, "-1", "-99999999", "abc", "", "1e9", "2.5", "٣"]),
    st.integers().map(str),
    st.text(max_size=8),
)


@pytest.mark.parametrize("case", FORMSET_CASES, ids=[case.id for case in FORMSET_CASES])
def test_a_hostile_formset_count_never_breaks_nor_builds_the_forms(demo, case):
    from diagnostics.forms import IndicatorFormSet, NeedFormSet

    url, forms = _form_of(case, demo)
    client = Client()
    prefix = "need" if case.label == "besoins" else "ind"
    limit = {"need": NeedFormSet.max_num, "ind": IndicatorFormSet.max_num}[prefix]

    @HYPOTHESIS
    @given(total=HOSTILE_COUNTS, initial=HOSTILE_COUNTS)
    @example(total="99999999", initial="0")
    @example(total="-5", initial="0")
    @example(total="abc", initial="abc")
    def post_counts(total, initial):
        with transaction.atomic():
            _login(client, demo["users"][case.user])
            pairs = [
                (name, value)
                for name, values in forms[0].defaults().items()
                for value in values
                if name not in (f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS")
            ]
            pairs += [(f"{prefix}-TOTAL_FORMS", total), (f"{prefix}-INITIAL_FORMS", initial)]
            response = client.post(url, urllib.parse.urlencode(pairs), content_type=FORM_BODY)
            check_answer(response, f"POST {url} TOTAL_FORMS={total!r}")
            formset = (response.context or {}).get("needs" if prefix == "need" else "indicators")
            if formset is not None:
                assert len(formset.forms) <= limit + formset.extra
            transaction.set_rollback(True)

    post_counts()
