from anju.accounts.access import can


def navigation(request):
    """Which parts of the top menu the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {"nav": {"registry": can(user, "registry.view"), "users": can(user, "accounts.view"),
                    "audit": can(user, "audit.view"), "field": can(user, "field.sync")}}
