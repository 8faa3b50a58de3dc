from django.core.management.base import BaseCommand

from deadlines.services import deadline_sweep


class Command(BaseCommand):
    help = (
        "Write the reminders open deadlines owe now, as the scheduled sweep does. Safe to run at any "
        "time: nothing already written is written again."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(deadline_sweep()))
