from django.conf import settings
from django.db import models


class SharedFiche(models.Model):
    """A fiche-action a CPTS whose projet de santé is validated lends to the library.

    Opt-in, one fiche at a time. What joins the library is a copy of the fiche's text, its
    sub-actions (without who does them) and its indicators, taken when the coordinator shares
    it (and again each time he updates the share); never its pilot, working group or contacts.
    The CPTS is named only if it chose so."""

    fiche = models.OneToOneField(
        "missions.Fiche", on_delete=models.CASCADE, related_name="library_share"
    )
    mission = models.ForeignKey(
        "missions.Mission", on_delete=models.PROTECT, related_name="+", verbose_name="mission"
    )
    title = models.CharField("libellé de l'action", max_length=250)
    content = models.JSONField("contenu partagé", default=dict)
    show_cpts = models.BooleanField("nommer la CPTS", default=False)
    cpts_name = models.CharField("CPTS (si elle se nomme)", max_length=200, blank=True)
    population = models.PositiveIntegerField("population du territoire", null=True, blank=True)
    size_tier = models.PositiveSmallIntegerField("taille de la CPTS", null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField("partagée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        ordering = ["mission__order", "-updated_at"]
        verbose_name = "fiche-action partagée"
        verbose_name_plural = "fiches-actions partagées"

    def __str__(self):
        return self.title
