"""The information system (part 3 of the projet de santé): a versioned text per project."""

import io

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from cpts_portal.lib.versioning import EditConflict
from governance import services
from governance.models import INFORMATION_SYSTEM_FIELDS, InformationSystem

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"


def _data(record=None, **overrides):
    data = {name: getattr(record, name) if record else "" for name in INFORMATION_SYSTEM_FIELDS}
    data["version"] = record.version if record else ""
    data.update(overrides)
    return data


def _edit_url(slug=PIC):
    return reverse("governance:information-system-edit", args=[slug])


def test_a_coordinator_describes_the_information_system_of_a_new_cpts(demo, login):
    client = login(demo["users"]["nadia.mercier"])
    page = client.get(reverse("governance:information-system", args=["lodevois-larzac"]))

    response = client.post(
        _edit_url("lodevois-larzac"),
        _data(
            secure_messaging="Medimail pour tous les membres.",
            website="www.cpts-lodevois.example.org",
        ),
    )

    assert "n'est pas encore décrit" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "governance:information-system", args=["lodevois-larzac"]
    )
    record = InformationSystem.objects.get(project__slug="lodevois-larzac")
    assert record.secure_messaging == "Medimail pour tous les membres."
    assert record.website == "https://www.cpts-lodevois.example.org"
    assert (record.version, record.updated_by) == (1, demo["users"]["nadia.mercier"])


def test_a_coordinator_saves_a_new_version_shown_with_its_history(demo, login):
    record = InformationSystem.objects.get(project__slug=PIC)
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        _edit_url(), _data(record, dmp="Le DMP est alimenté à chaque sortie d'hospitalisation.")
    )

    assert response.status_code == 302
    saved = InformationSystem.objects.get(pk=record.pk)
    assert saved.dmp == "Le DMP est alimenté à chaque sortie d'hospitalisation."
    assert saved.version == record.version + 1
    assert saved.secure_messaging == record.secure_messaging
    page = client.get(reverse("governance:information-system", args=[PIC])).content.decode()
    assert "alimenté à chaque sortie d&#x27;hospitalisation" in page
    history = client.get(reverse("governance:information-system-history", args=[PIC]))
    content = history.content.decode()
    assert "Claire Martin</strong>\n      — modification" in content
    assert "<dt>DMP et Mon espace santé</dt>" in content
    assert "<ins>est alimenté à chaque sortie d&#x27;hospitalisation.</ins>" in content


def test_a_stale_version_gets_409_with_the_other_version_and_keeps_the_text(demo, login):
    record = InformationSystem.objects.get(project__slug=PIC)
    services.information_system_save(
        project=record.project,
        by=demo["users"]["sophie.garnier"],
        fields={"coordination_tool": "Spico déployé chez tous les infirmiers."},
        version=record.version,
    )
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        _edit_url(), _data(record, coordination_tool="Mon texte sur l'outil e-parcours.")
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert "Modification refusée" in content and "Sophie Garnier" in content
    assert "Spico déployé chez tous les infirmiers." in content
    assert "Mon texte sur l&#x27;outil e-parcours." in content
    assert f'name="version" value="{record.version + 1}"' in content
    current = InformationSystem.objects.get(pk=record.pk)
    assert current.coordination_tool == "Spico déployé chez tous les infirmiers."


def test_two_first_saves_at_once_give_the_second_a_conflict(demo):
    project = demo["projects"]["lodevois-larzac"]
    nadia = demo["users"]["nadia.mercier"]
    services.information_system_save(project=project, by=nadia, fields={"other": "Premier."})

    with pytest.raises(EditConflict):
        services.information_system_save(project=project, by=nadia, fields={"other": "Second."})

    assert InformationSystem.objects.get(project=project).other == "Premier."


def test_a_malformed_website_is_refused_in_french(demo, login):
    record = InformationSystem.objects.get(project__slug=PIC)
    client = login(demo["users"]["claire.martin"])

    response = client.post(_edit_url(), _data(record, website="pas une adresse"))

    assert response.status_code == 422
    assert "Saisissez une URL valide." in response.content.decode()
    assert InformationSystem.objects.get(pk=record.pk).version == record.version


def test_another_cpts_gets_404(demo, login):
    record = InformationSystem.objects.get(project__slug=PIC)
    client = login(demo["users"]["thomas.lefevre"])

    page = client.get(reverse("governance:information-system", args=[PIC]))
    post = client.post(_edit_url(), _data(record, other="Intrusion"))

    assert (page.status_code, post.status_code) == (404, 404)
    assert InformationSystem.objects.get(pk=record.pk).other == record.other


@pytest.mark.parametrize("username", ["karim.benali", "julien.roux", "isabelle.moreau"])
def test_members_pilots_and_reviewers_read_but_may_not_save(demo, login, username):
    record = InformationSystem.objects.get(project__slug=PIC)
    client = login(demo["users"][username])

    page = client.get(reverse("governance:information-system", args=[PIC])).content.decode()
    post = client.post(_edit_url(), _data(record, other="Modifié sans droit"))

    assert "Spico" in page and "Medimail" in page
    assert "Modifier le système d'information" not in page
    assert post.status_code == 403
    assert InformationSystem.objects.get(pk=record.pk).version == record.version


def test_the_bureau_edits_the_information_system_like_the_rest_of_governance(demo, login):
    record = InformationSystem.objects.get(project__slug=PIC)
    client = login(demo["users"]["sophie.garnier"])

    page = client.get(reverse("governance:information-system", args=[PIC])).content.decode()
    post = client.post(_edit_url(), _data(record, dpo="Cabinet Conformité Santé, Montpellier"))

    assert "Modifier le système d'information" in page
    assert post.status_code == 302
    assert InformationSystem.objects.get(pk=record.pk).dpo.startswith("Cabinet Conformité")


def test_the_projet_de_sante_prints_the_information_system_in_part_3(demo, tmp_path):
    out = tmp_path / "pds.pdf"
    call_command("export_projet_de_sante", PIC, str(out), stdout=io.StringIO())
    pages = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(str(out)).pages]
    part3 = next(i for i, text in enumerate(pages) if text.startswith("3. Organisation"))
    budget = next(i for i in range(part3, len(pages)) if "Le budget prévisionnel" in pages[i])

    section = " ".join(pages[part3 : budget + 1])

    start = section.index("Le système d'information")
    assert start < section.index("Le budget prévisionnel", start)
    assert "Messagerie sécurisée de santé (MSSanté)" in section[start:]
    assert "Le service e-parcours régional (Spico)" in section[start:]
    assert "Délégué à la protection des données (DPO) : Dr Anne Delmas" in section[start:]
    assert "Autres outils et remarques" in section[start:]
