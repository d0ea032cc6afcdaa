"""Who hears of a lifecycle event, and the French e-mail they get."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string

from accounts.models import Membership, Organisation
from cpts_portal.lib import outbox
from projects.models import Document, ProjectEvent

# Events the CPTS does towards the review bodies; the others go to the CPTS.
TO_REVIEWERS = {
    "submit_intention": (Organisation.Kind.ARS_DD, Organisation.Kind.CPAM),
    "deposit": tuple(Organisation.REVIEW_KINDS),
    "complete": (Organisation.Kind.ARS_DD,),
    "review_reminder": (Organisation.Kind.ARS_DD, Organisation.Kind.CPAM),
    # A mission started or fully deployed, an indicator review held (lifecycle.followup).
    "contract_fact": (Organisation.Kind.ARS_DD, Organisation.Kind.CPAM),
}
TO_CPTS = {
    "validate_intention",
    "rework_intention",
    "declare_incomplete",
    "validate",
    "oppose",
    "record_tacit_validation",
    "record_reception",
}


def reviewers_of(project, kinds) -> list[str]:
    departements = [d.code for d in project.departements.all()]
    regions = {d.region_id for d in project.departements.all()}
    scope = (
        Q(organisation__scope=Organisation.Scope.NATIONAL)
        | Q(organisation__scope=Organisation.Scope.REGION, organisation__region_id__in=regions)
        | Q(organisation__departements__code__in=departements)
    )
    return sorted(
        set(
            Membership.objects.filter(
                scope,
                organisation__kind__in=kinds,
                role__in=Membership.REVIEW_ROLES,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def cpts_leaders_of(project) -> list[str]:
    return sorted(
        Membership.objects.filter(
            organisation_id=project.organisation_id,
            role__in=[Membership.Role.COORDINATOR, Membership.Role.BUREAU],
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )


# Events every party hears of: the ACI contract's signatures (lifecycle.contract).
TO_ALL_PARTIES = {"contract_sign", "contract_start"}


# The formal act each event produces (issue 15), in the event's transaction
# (lifecycle.transitions, lifecycle.review.reception_date_set). notify_act_task e-mails it, with
# its PDF, to act_recipients: the event's own e-mail goes to the others only, so that nobody
# gets two e-mails for one act.
ACT_OF_ACTION = {
    "deposit": Document.Kind.ACK_RECEIPT,
    "complete": Document.Kind.ACK_RECEIPT,  # the clock starts again: its new dates
    "record_reception": Document.Kind.ACK_RECEIPT,  # a corrected reception date
    "declare_incomplete": Document.Kind.MISSING_PIECES,
    "validate": Document.Kind.DECISION_LETTER,
    "oppose": Document.Kind.DECISION_LETTER,
    "record_tacit_validation": Document.Kind.TACIT_ATTESTATION,
}


def recipients(event: ProjectEvent) -> list[str]:
    """Who gets the event's e-mail: those who hear of it, less those who get its formal act."""
    to = _told_of(event)
    if to and event.action in ACT_OF_ACTION:
        by_act = set(act_recipients(event.project))
        to = [address for address in to if address not in by_act]
    return to


def _told_of(event: ProjectEvent) -> list[str]:
    if event.action in TO_ALL_PARTIES:
        reviewers = reviewers_of(event.project, (Organisation.Kind.ARS_DD, Organisation.Kind.CPAM))
        return sorted(set(reviewers) | set(cpts_leaders_of(event.project)))
    if event.action in TO_REVIEWERS:
        return reviewers_of(event.project, TO_REVIEWERS[event.action])
    if event.action in TO_CPTS:
        return cpts_leaders_of(event.project)
    return []


def send_event_email(event: ProjectEvent, *, base_url: str = "") -> int:
    to = recipients(event)
    if not to:
        return 0
    context = {"event": event, "project": event.project, "base_url": base_url}
    message = EmailMultiAlternatives(
        subject=f"{event.project.name} : {event.label}",
        body=render_to_string("lifecycle/emails/event.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(
        render_to_string("lifecycle/emails/event.html", context), "text/html"
    )
    message.send()
    return len(to)


@shared_task(name="lifecycle.notify_event")
def notify_event_task(*, event_id: int, outbox_id: int | None = None, **kwargs) -> int:
    """The e-mail of an event, once: a message redelivered after it was sent is skipped."""
    if outbox.already_delivered(outbox_id):
        return 0
    event = ProjectEvent.objects.select_related("project", "actor").get(pk=event_id)
    sent = send_event_email(event, base_url=settings.PORTAL_URL)
    outbox.mark_delivered(outbox_id)
    return sent


def act_recipients(project) -> list[str]:
    """Who receives a formal act (issue 15): the CPTS's coordinators and bureau, and the CPAM
    reviewers in scope."""
    return sorted(
        set(cpts_leaders_of(project)) | set(reviewers_of(project, (Organisation.Kind.CPAM,)))
    )


@shared_task(name="lifecycle.notify_act")
def notify_act_task(*, document_id: int, outbox_id: int | None = None, **kwargs) -> int:
    """The e-mail announcing a formal act, once (a redelivered message is skipped)."""
    if outbox.already_delivered(outbox_id):
        return 0
    document = Document.objects.select_related("project", "deposit").get(pk=document_id)
    to = act_recipients(document.project)
    if to:
        context = {
            "document": document,
            "act_date": dt.date.fromisoformat(document.params["date"]),
            "project": document.project,
            "base_url": settings.PORTAL_URL,
        }
        message = EmailMultiAlternatives(
            subject=f"{document.project.name} : {document.get_kind_display()}",
            body=render_to_string("lifecycle/emails/act.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
        message.attach_alternative(
            render_to_string("lifecycle/emails/act.html", context), "text/html"
        )
        message.send()
    outbox.mark_delivered(outbox_id)
    return len(to)
