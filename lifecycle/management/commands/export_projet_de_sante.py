from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lifecycle.documents import render_html, render_pdf
from projects.models import Document, Project


class Command(BaseCommand):
    help = "Write a project's projet de santé as PDF (and, with --html, the HTML it comes from)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("output", help="the PDF file to write")
        parser.add_argument("--html", help="also write the exact HTML rendered")

    def handle(self, *args, slug, output, html=None, **options):
        project = Project.objects.select_related("organisation").filter(slug=slug).first()
        if project is None:
            raise CommandError(f"no project with slug {slug!r}")
        source = render_html(project, Document.Kind.PROJET_DE_SANTE)
        if html:
            Path(html).write_text(source, encoding="utf-8")
        content, pages = render_pdf(project, Document.Kind.PROJET_DE_SANTE, source)
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {pages} pages")
