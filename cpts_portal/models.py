"""The portal's own models live with their mechanism in cpts_portal.lib; imported here for
Django's registry (app label `cpts_portal`)."""

from cpts_portal.lib.outbox import OutboxMessage

__all__ = ["OutboxMessage"]
