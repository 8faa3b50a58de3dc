"""Write the case lifecycle's state diagram to docs/case-lifecycle.svg."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from referrals.lifecycle.diagram import render_svg

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "case-lifecycle.svg"


class Command(BaseCommand):
    help = "Draw the case lifecycle (states and transitions of a referral) as SVG into docs/."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT_PATH), help="Where to write the SVG.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the file differs from a fresh drawing.",
        )

    def handle(self, *args, output, check, **options):
        path = Path(output)
        svg = render_svg()
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != svg:
                self.stderr.write(f"{path} is out of date: run `python manage.py lifecycle_diagram`.")
                raise SystemExit(1)
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
