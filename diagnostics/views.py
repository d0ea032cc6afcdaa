"""Views of the app (see README "For developers")."""
