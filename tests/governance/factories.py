"""Plain helpers for governance test data."""

import datetime as dt

from governance import services
from governance.models import Instance, Mandate, Member


def make_member(project, **overrides) -> Member:
    fields = {
        "kind": Member.Kind.PERSON,
        "last_name": "Dupont",
        "first_name": "Jeanne",
        "profession": "INFIRMIER",
        "category": Member.Category.ACTIVE,
        "adhesion_date": dt.date(2024, 1, 1),
    }
    fields.update(overrides)
    return services.member_create(project=project, fields=fields)


def bureau_of(project) -> Instance:
    return Instance.objects.get(project=project, kind=Instance.Kind.BUREAU)


def give_mandate(project, member, *, office="MEMBRE", body=None, start=dt.date(2024, 1, 1)):
    return services.mandate_create(
        project=project,
        instance=body or bureau_of(project),
        fields={"member": member, "office": office, "start_date": start},
    )


def end_mandates(project, *last_names):
    Mandate.objects.filter(project=project, member__last_name__in=last_names).update(
        end_date=dt.date(2025, 1, 1)
    )
