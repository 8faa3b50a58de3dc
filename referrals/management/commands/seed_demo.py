"""Demo agencies, one user per role, example.org contacts and demo referrals. Safe to run again."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import Agency, User
from cspr.accounts.roles import Role, sync_role_groups
from cspr.accounts.two_factor import APP_DEVICE_NAME, RECOVERY_CODE_COUNT, RECOVERY_DEVICE_NAME, Enrolment
from cspr.notifications.models import Contact, ContactRole
from referrals import demo as referral_demo

AGENCIES = [
    ("North Somerset Council", Agency.Kind.LOCAL_AUTHORITY),
    ("Avon and Somerset Police", Agency.Kind.POLICE),
    ("Bristol, North Somerset and South Gloucestershire Integrated Care Board", Agency.Kind.HEALTH),
    ("Weston Primary School", Agency.Kind.EDUCATION),
]
COUNCIL, POLICE, HEALTH, SCHOOL = (name for name, _ in AGENCIES)

# username, first name, last name, agency, roles, job title, staff
USERS = [
    ("practitioner", "Pat", "Practitioner", COUNCIL, [Role.PRACTITIONER], "Social worker", False),
    ("lead", "Lee", "Lead", COUNCIL, [Role.AGENCY_LEAD, Role.PRACTITIONER], "Team manager", False),
    ("chair", "Chris", "Chair", COUNCIL, [Role.CHAIR], "CSPR subgroup chair", False),
    ("member", "Morgan", "Member", POLICE, [Role.MEMBER], "Detective inspector", False),
    ("coordinator", "Cameron", "Coordinator", COUNCIL, [Role.COORDINATOR], "Partnership coordinator", False),
    ("admin", "Alex", "Administrator", COUNCIL, [Role.ADMINISTRATOR], "System administrator", True),
    ("police_practitioner", "Pip", "Constable", POLICE, [Role.PRACTITIONER], "Police officer", False),
    ("health_lead", "Hollis", "Health", HEALTH, [Role.AGENCY_LEAD, Role.PRACTITIONER], "Named nurse", False),
]

CONTACTS = [
    (
        "Assistant Director, Support and Safeguarding",
        ContactRole.LA_ASSISTANT_DIRECTOR,
        COUNCIL,
        "assistant.director",
    ),
    ("Director, People and Communities", ContactRole.LA_DIRECTOR, COUNCIL, "director.people"),
    ("Major statutory crime review team", ContactRole.POLICE_REVIEW_TEAM, POLICE, "casereview"),
    ("Health safeguarding team", ContactRole.HEALTH_SAFEGUARDING, HEALTH, "safeguardingadmin"),
    ("Partnership coordinator", ContactRole.COORDINATOR, COUNCIL, "partnership.coordinator"),
    (
        "Service leader, strategic safeguarding and QA",
        ContactRole.LA_SERVICE_LEADER_QA,
        COUNCIL,
        "service.leader.qa",
    ),
    ("CSPR subgroup chair", ContactRole.SUBGROUP_CHAIR, COUNCIL, "subgroup.chair"),
]


class Command(BaseCommand):
    help = "Create demo agencies, one user per role and example.org contacts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (a training installation); needs DEMO_PASSWORD set.",
        )

    def handle(self, *args, **options):
        # Demo accounts include an administrator; on a live system they would be a way in.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates demo accounts, including an administrator, and only runs with "
                "DEBUG on. For a training installation use --force with DEMO_PASSWORD set."
            )
        if not settings.DEBUG and not os.environ.get("DEMO_PASSWORD"):
            raise CommandError("With DEBUG off, set DEMO_PASSWORD: the default demo password is public.")
        password = os.environ.get("DEMO_PASSWORD", "demo-cspr-2026")
        two_factor = []
        with transaction.atomic():
            sync_role_groups()
            agencies = {}
            for name, kind in AGENCIES:
                agencies[name], _ = Agency.objects.update_or_create(name=name, defaults={"kind": kind})
            for username, first, last, agency, roles, title, staff in USERS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.org",
                        "agency": agencies[agency],
                        "job_title": title,
                        "telephone": "01234 567890",
                        "is_staff": staff,
                    },
                )
                if created:
                    user.set_password(password)
                    user.save()
                user.set_roles(roles)
                if user.two_factor_required:
                    two_factor.append(self._demo_two_factor(user))
            for name, role, agency, mailbox in CONTACTS:
                Contact.objects.update_or_create(
                    role=role,
                    email=f"{mailbox}@example.org",
                    defaults={"name": name, "agency": agencies[agency], "active": True},
                )
        # Demo cases go through the same services as real ones, so their deadlines and
        # outbox rows are what a real referral would have.
        referral_demo.seed(stdout=self.stdout)
        self.stdout.write("Demo data ready. Sign in with any of these usernames:")
        for username, *_rest, roles, _title, _staff in USERS:
            self.stdout.write(f"  {username:<20} {', '.join(Role(r).label for r in roles)}")
        self.stdout.write(f"Demo password (new demo users only): {password}")
        self.stdout.write(
            "Two-factor sign-in (needed by chair, coordinator and admin): add the key to an "
            "authenticator app (or run `oathtool --totp -b KEY`), or use a recovery code once:"
        )
        for username, key, codes in two_factor:
            self.stdout.write(f"  {username:<20} key {key}")
            self.stdout.write(f"  {'':<20} recovery codes {' '.join(codes)}")

    @staticmethod
    def _demo_two_factor(user) -> tuple[str, str, list[str]]:
        """A demo user whose role needs two-factor sign-in gets an authenticator app key
        and recovery codes, kept across runs (codes are topped up once all are used)."""
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
        codes_device, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
        )
        if not codes_device.token_set.exists():
            StaticToken.objects.bulk_create(
                StaticToken(device=codes_device, token=StaticToken.random_token())
                for _ in range(RECOVERY_CODE_COUNT)
            )
        codes = list(codes_device.token_set.order_by("id").values_list("token", flat=True))
        return user.username, Enrolment(device).key.replace(" ", ""), codes
