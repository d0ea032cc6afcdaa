"""Who may read and edit the funding pages of a project (see projects.rules)."""

import rules

from projects.rules import is_analyst, is_coordinator, is_cpts_member, is_reviewer

# CPTS members, in-scope reviewers (after submission) and analysts read; coordinators edit.
rules.add_perm("funding.view_budget", is_cpts_member | is_reviewer | is_analyst)
rules.add_perm("funding.change_budget", is_coordinator)
