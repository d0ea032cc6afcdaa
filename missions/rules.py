"""Who may do what with the fiches-actions (autodiscovered by `rules`)."""

import rules

from projects.access import access_for
from projects.rules import is_coordinator


@rules.predicate
def is_fiche_coordinator(user, fiche):
    return is_coordinator(user, fiche.project)


@rules.predicate
def is_fiche_pilot(user, fiche):
    """The fiche's pilot, while he belongs to the CPTS."""
    return (
        fiche.pilot_id is not None
        and fiche.pilot_id == user.pk
        and access_for(user, fiche.project).cpts_role is not None
    )


# Reading follows the project (CPTS roles, in-scope reviewers after submission, analysts).
rules.add_perm("missions.add_fiche", is_coordinator)
rules.add_perm("missions.delete_fiche", is_fiche_coordinator)
rules.add_perm("missions.change_fiche", is_fiche_coordinator | is_fiche_pilot)
