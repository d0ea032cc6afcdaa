"""National-scale data: N CPTS projects spread over every département and lifecycle state.

`python manage.py seed_scale --cpts N` (and the benchmark, `make bench`) call `seed_scale`.
Each project is realistic in size and coherent with its state, as demo/seed.py builds
them by hand: its association (organisation, five accounts), a territory of communes of its
département, a diagnostic, an intention letter and the answers, the deposit with its avis and
the decision, the ACI contract with its dialogues and payments, about 25 fiches-actions (sub-
actions, working group, 5 indicators each, and one result per indicator and contract year
under a contract), about 50 members of the association with its instances, mandates and
meetings, and a balanced budget with its lines.

Reviewer bodies are created once per département (DD ARS with a reviewer and a decider, CPAM)
and per region (ARS siège with an analyst, Inter URPS), plus one national analyst.

Everything is written with `bulk_create` in batches, a fixed number of queries per batch of
projects, so that 1 500 projects take a few minutes on PostgreSQL. The rows carry the creation
row of their history, copied by the database (but the indicator results). Projects are named
by a deterministic slug (`<prefix>-0001`…): running again with the same or a larger N only
adds the missing ones; `reset` removes every record of the prefix first. Each batch is one
transaction: an interrupted run leaves whole projects only.

The modules:
- plan: what each project is, from its index (département, state, communes, dates);
- bodies: the review bodies and their accounts;
- batch: what the builders of a batch share (the run's context, one `Cpts` per project);
- rows: the bulk insertion, with the history's creation rows;
- one builder module per phase, in this order: people (associations, accounts, projects),
  territory (territory and diagnostic), review (letter, deposit, avis, decision, contract,
  timeline), fiches (fiches-actions, their rows and results), association (governance),
  budget (budget, grant, dialogues, payments);
- run: the entry points; reset: removing a prefix's data.

This package belongs to the flow layer: it reads and writes across every app.
"""

from .bodies import review_accounts
from .plan import (
    FICHES,
    PREFIX,
    STATE_CYCLE,
    Spec,
    email_domain,
    make_spec,
    project_slug,
    scale_departements,
    scale_projects,
)
from .reset import scale_reset
from .run import describe, seed_project, seed_scale

__all__ = [
    "FICHES",
    "PREFIX",
    "STATE_CYCLE",
    "Spec",
    "describe",
    "email_domain",
    "make_spec",
    "project_slug",
    "review_accounts",
    "scale_departements",
    "scale_projects",
    "scale_reset",
    "seed_project",
    "seed_scale",
]
