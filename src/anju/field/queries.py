"""The doors to field captures: a user reads back their own captures; reviewers see the
conflicts of their scope (404 outside it, as everywhere); a photo is known by its hash only to
those who sent its bytes and to the scopes above them."""

from django.db.models import Q

from anju.divisions.scope import narrowed, not_found, scoped, within
from anju.field.models import Photo, Status, Submission


def photos_known_to(user, shas) -> dict[str, Photo]:
    """The stored photos among `shas` that `user` may name by hash: those the user sent, or
    someone did while in a scope inside the user's. Any other is unknown to the user, who must
    send the bytes: a hash alone never reaches another county's photo."""
    shas = list(shas)
    if not shas or not getattr(user, "is_authenticated", False):
        return {}
    sent = Q(senders__user=user)
    if user.scope:
        sent |= within(user.scope, "senders__scope")
    photos = Photo.objects.filter(sent, sha256__in=shas).distinct()
    return {photo.sha256: photo for photo in photos}


def get_submission_for_user(user, client_uuid) -> Submission:
    """A capture by its client UUID: only the user who sent it reads it back."""
    submission = Submission.objects.filter(client_uuid=client_uuid,
                                           submitted_by_id=user.pk).first()
    if submission is None:
        raise not_found(Submission, client_uuid=client_uuid)
    return submission


def conflicts_for_user(user, *, division: str | None = None, status: str = Status.CONFLICT):
    """Captures held for review in the user's scope, oldest first."""
    queryset = narrowed(user, Submission.objects.filter(status=status), division)
    return queryset.select_related("submitted_by", "house").order_by("received_at", "id")


def get_conflict_for_user(user, submission_id: int) -> Submission:
    submission = scoped(user, Submission.objects.filter(pk=submission_id)).exclude(
        division_code="").select_related("submitted_by", "house").first()
    if submission is None:
        raise not_found(Submission, pk=submission_id)
    return submission
