"""Who may read and write the governance of a CPTS.

Coordinators and bureau members (the association's officers) decide and document it; the
CPTS's other people read it; reviewers in scope and analysts read it too, except the members'
contact details and the indemnities, which stay inside the CPTS. Exporting every member's
contacts at once (a file that leaves the portal) is for coordinators and bureau members only.
"""

import rules

from projects.rules import is_bureau_member, is_coordinator, is_cpts_member

rules.add_perm("governance.change_governance", is_coordinator | is_bureau_member)
rules.add_perm("governance.view_private", is_cpts_member)
rules.add_perm("governance.export_contacts", is_coordinator | is_bureau_member)
