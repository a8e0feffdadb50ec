"""The doors to field captures: a user reads back their own captures; reviewers see the
conflicts of their scope (404 outside it, as everywhere)."""

from anju.divisions.scope import narrowed, scoped
from anju.errors import NotFound
from anju.field.models import Status, Submission


def get_submission_for_user(user, client_uuid) -> Submission:
    """A capture by its client UUID: only the user who sent it reads it back."""
    submission = Submission.objects.filter(client_uuid=client_uuid,
                                           submitted_by_id=user.pk).first()
    if submission is None:
        raise NotFound()
    return submission


def conflicts_for_user(user, *, division: str | None = None, status: str = Status.CONFLICT):
    """Captures held for review in the user's scope, oldest first."""
    queryset = narrowed(user, Submission.objects.filter(status=status), division)
    return queryset.select_related("submitted_by", "house").order_by("received_at", "id")


def get_conflict_for_user(user, submission_id: int) -> Submission:
    submission = scoped(user, Submission.objects.filter(pk=submission_id)).exclude(
        division_code="").select_related("submitted_by", "house").first()
    if submission is None:
        raise NotFound()
    return submission
