"""Twenty people save the same governance member at the same moment, through the real view,
on PostgreSQL (issue 20: 20 concurrent edits of a member all said "mis à jour" and 19 vanished
without trace). Exactly one save is accepted; the 19 others get their conflict (409, the view's
answer to EditConflict); the member holds the accepted save whole and its history one new row.
"""

from collections import Counter

import pytest
from django.urls import reverse

from governance.models import Member
from tests.concurrency.test_concurrent_saves import CLIENTS, PIC, Save, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_edits_of_a_member_at_once_keep_exactly_one(demo):
    member = Member.objects.get(project__slug=PIC, last_name="Roux")
    start, rows = member.version, member.history.count()
    editors = [demo["users"]["claire.martin"], demo["users"]["sophie.garnier"]]
    url = reverse("governance:member-edit", args=[PIC, member.number])
    base = {
        "version": start,
        "kind": "PERSON",
        "last_name": member.last_name,
        "first_name": member.first_name,
        "profession": member.profession,
        "rpps": member.rpps,
        "category": member.category,
        "adhesion_date": member.adhesion_date.isoformat(),
        "fee_status": member.fee_status,
        "commune_code": member.commune_id or "",
    }
    saves = [
        Save(
            editors[i % 2],
            url,
            {**base, "phone": f"04 67 00 00 {i:02d}", "email": f"roux.{i}@exemple-sante.fr"},
        )
        for i in range(CLIENTS)
    ]

    race(saves)

    assert Counter(save.status for save in saves) == {302: 1, 409: CLIENTS - 1}
    (won,) = [save for save in saves if save.status == 302]
    assert won.messages == ("Le membre est mis à jour.",)
    member.refresh_from_db()
    assert (member.phone, member.email) == (won.data["phone"], won.data["email"])
    assert member.version == start + 1 and member.updated_by == won.user
    assert member.history.count() == rows + 1
    latest = member.history.latest()
    assert (latest.version, latest.phone, latest.email, latest.history_user) == (
        start + 1,
        won.data["phone"],
        won.data["email"],
        won.user,
    )
