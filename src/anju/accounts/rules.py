"""Login rules that depend on the user: who must use a second factor."""

from django.conf import settings
from django_otp import user_has_device

from anju.accounts.access import ADMINISTRATORS, can


def second_factor_required(user) -> bool:
    """TOTP is required of the three administrators and of anyone who may see full ID,
    phone and account numbers (registry.reveal)."""
    return user.role in ADMINISTRATORS or can(user, "registry.reveal")


def needs_second_factor(user) -> bool:
    """Whether this login is complete only with a one-time password: the user enrolled a
    device (offered to everyone), or the role requires one (unless ANJU_REQUIRE_TOTP=false)."""
    if settings.REQUIRE_TOTP and second_factor_required(user):
        return True
    return user_has_device(user, confirmed=True)
