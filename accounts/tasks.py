from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from cpts_portal.lib import outbox

from .models import Invitation


@shared_task(name="accounts.send_invitation_email")
def send_invitation_email_task(
    *, invitation_id: int, url: str, outbox_id: int | None = None, **kwargs
) -> None:
    """The invitation e-mail, once; its link (with the token) is then blanked in the outbox."""
    if outbox.already_delivered(outbox_id):
        return
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    context = {"invitation": invitation, "url": url}
    message = EmailMultiAlternatives(
        subject=render_to_string("accounts/emails/invitation_subject.txt", context).strip(),
        body=render_to_string("accounts/emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    message.attach_alternative(
        render_to_string("accounts/emails/invitation.html", context), "text/html"
    )
    message.send()
    outbox.mark_delivered(outbox_id, scrub=("url",))


# The e-mails of the steps of starting alone (accounts/signup.py, lifecycle/start.py): each
# has templates/accounts/emails/<template>_subject.txt, .txt and .html.
ACCOUNT_EMAILS = frozenset(
    {"signup_confirm", "signup_existing", "signup_welcome", "project_started"}
)


@shared_task(name="accounts.send_account_email")
def send_account_email_task(
    *, template: str, to: str, context: dict, outbox_id: int | None = None, **kwargs
) -> None:
    """One e-mail of a step, once; its link (a confirmation token) is then blanked in the
    outbox."""
    if outbox.already_delivered(outbox_id):
        return
    if template not in ACCOUNT_EMAILS:
        raise ValueError(f"unknown account e-mail {template!r}")
    base = f"accounts/emails/{template}"
    message = EmailMultiAlternatives(
        subject=render_to_string(f"{base}_subject.txt", context).strip(),
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    message.send()
    outbox.mark_delivered(outbox_id, scrub=("context",))
