"""Who may do what with their own account, and who administers the service."""

from cspr.accounts.roles import Role
from cspr.permissions import refusal, signed_in

TWO_FACTOR_REQUIRED = (
    "Your role needs two-factor sign-in, so it cannot be turned off. If you have a new phone, "
    "set up the authenticator app again instead."
)


@refusal(TWO_FACTOR_REQUIRED)
def can_turn_off_two_factor(user, obj=None) -> bool:
    """Anyone whose role does not need two-factor sign-in may turn it off."""
    return signed_in(user) and not user.two_factor_required


@refusal("Only administrators manage the service in administration")
def can_administer(user, obj=None) -> bool:
    return signed_in(user) and user.is_staff and user.has_role(Role.ADMINISTRATOR)
