"""The doors of the reminders: an official's own messages (inside the official's scope), the
outbox an administrator watches (counts and delivery, never the text), and who is to be told
about an object: the officials whose role and scope cover its village."""

from collections import defaultdict

from django.db.models import Count

from anju.accounts.access import can
from anju.accounts.models import Role, User
from anju.divisions.scope import not_found, scoped
from anju.reminders.models import Message, Recipient, Status

# Who acts on each kind of reminder: any (roles, capability) pair that the user meets.
# The township and the village keep the ledger's checks and fix the register (R-CJ-7);
# county finance pays and the township's finance office hands it over (R-MH-12, R-MH-12a);
# the township appraises the houses of the monthly lists (N4).
WHO = {
    "check": (((Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE), "rectification.record"),),
    "finding": (((Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE), "registry.edit"),),
    "payment": (((Role.COUNTY_OFFICER,), "assistance.pay"),
                ((Role.TOWNSHIP_OFFICER,), "assistance.build")),
    "roster": (((Role.TOWNSHIP_OFFICER,), "appraisal.inspect"),),
}
_SCOPE_WIDTHS = (2, 4, 6, 9, 12)


class Officials:
    """The active officials by scope, read once for a producer's run."""

    def __init__(self):
        roles = {r for rules in WHO.values() for pair in rules for r in pair[0]}
        self.by_scope: dict[str, list[User]] = defaultdict(list)
        for user in User.objects.filter(is_active=True, role__in=roles).order_by("pk"):
            self.by_scope[user.scope].append(user)

    def covering(self, code: str, who: str) -> list[User]:
        """The officials of `who` whose scope holds the village `code`, in id order."""
        found = []
        for width in _SCOPE_WIDTHS:
            if width > len(code):
                break
            for user in self.by_scope.get(code[:width], ()):
                if any(user.role in roles and can(user, capability)
                       for roles, capability in WHO[who]):
                    found.append(user)
        return sorted(found, key=lambda u: u.pk)


def messages_for_user(user):
    """An official's own reminders, inside the scope the official has now."""
    return scoped(user, Message.objects.filter(recipient=Recipient.OFFICIAL, user=user))


def get_message_for_user(user, message_id: int) -> Message:
    message = messages_for_user(user).filter(pk=message_id).first()
    if message is None:
        raise not_found(Message, pk=message_id)
    return message


def unread_count(user, *, cap: int | None = None) -> int:
    """The official's unread reminders (the header asks with a `cap`: it shows "99+")."""
    unread = messages_for_user(user).filter(read_at__isnull=True)
    if cap is not None:
        return unread.order_by().values("pk")[:cap].count()
    return unread.count()


def outbox_for_user(user, status: str | None = None):
    """The outbox of the administrator's scope (the delivery of each message, never read out
    by the page: administrators see no household data)."""
    messages = scoped(user, Message.objects.all())
    if status in Status.values:
        messages = messages.filter(status=status)
    return messages.order_by("-id")


def get_outbox_message_for_user(user, message_id: int) -> Message:
    message = scoped(user, Message.objects.all()).filter(pk=message_id).first()
    if message is None:
        raise not_found(Message, pk=message_id)
    return message


def outbox_counts(user) -> dict[str, int]:
    found = dict(scoped(user, Message.objects.all()).order_by().values_list("status")
                 .annotate(n=Count("id")).values_list("status", "n"))
    return {value: found.get(value, 0) for value in Status.values}
