"""Object permissions on a project, as `rules` predicates over projects.access.access_for."""

import rules

from accounts.models import Membership

from .access import access_for

Role = Membership.Role


@rules.predicate
def is_cpts_member(user, project):
    return access_for(user, project).cpts_role is not None


@rules.predicate
def is_coordinator(user, project):
    return access_for(user, project).cpts_role == Role.COORDINATOR


@rules.predicate
def is_bureau_member(user, project):
    return access_for(user, project).cpts_role == Role.BUREAU


@rules.predicate
def is_pilot(user, project):
    return access_for(user, project).cpts_role == Role.PILOT


@rules.predicate
def is_reviewer(user, project):
    return bool(access_for(user, project).review_roles)


@rules.predicate
def is_decider(user, project):
    return Role.DECIDER in access_for(user, project).review_roles


@rules.predicate
def is_analyst(user, project):
    grant = access_for(user, project)
    return grant.analyst or grant.admin


rules.add_perm("projects.view_project", is_cpts_member | is_reviewer | is_analyst)
rules.add_perm("projects.change_project", is_coordinator)
rules.add_perm("projects.view_team", is_cpts_member)
rules.add_perm("projects.review_project", is_reviewer)
rules.add_perm("projects.decide_project", is_decider)
