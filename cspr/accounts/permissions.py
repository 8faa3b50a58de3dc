"""Who may do what with their own account."""

TWO_FACTOR_REQUIRED = (
    "Your role needs two-factor sign-in, so it cannot be turned off. If you have a new phone, "
    "set up the authenticator app again instead."
)


def can_turn_off_two_factor(user) -> tuple[bool, str]:
    """Anyone whose role does not need two-factor sign-in may turn it off."""
    if user.two_factor_required:
        return False, TWO_FACTOR_REQUIRED
    return True, ""
