"""Who may read and edit a project's territory and diagnostic."""

import rules

from projects.rules import is_analyst, is_coordinator, is_cpts_member, is_reviewer

# Reviewers read only once the project is submitted to them: get_project_for_user already
# hides it before (404), so the predicates need not repeat it.
can_read = is_cpts_member | is_reviewer | is_analyst

rules.add_perm("diagnostics.view_territory", can_read)
rules.add_perm("diagnostics.change_territory", is_coordinator)
rules.add_perm("diagnostics.view_diagnostic", can_read)
rules.add_perm("diagnostics.change_diagnostic", is_coordinator)
