"""The one way to write the audit log. Every app calls `record` for the events that
docs/security.md lists: logins, authorisation failures, state transitions, full views of a
masked value, exports and imports, changes of users and roles."""

from anju.audit.models import Action, AuditEvent, Result
from anju.kit.origin import Origin


def record(action: str, *, actor, obj=None, result: str = Result.OK,
           origin: Origin | None = None, division_code: str = "",
           details: dict | None = None, username: str = "") -> AuditEvent:
    """Append one audit row. Call it inside the verb's transaction for a change (so that the
    row and the change commit together), and outside any rolled-back transaction for a refusal.

    `origin` says where the act came from (its client address and path are kept);
    `obj` is any model instance (its type and primary key are kept, never its content);
    `details` must not hold personal data: no ID, phone or account numbers, no names.
    """
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if result not in Result.values:
        raise ValueError(f"unknown audit result {result!r}")
    details = dict(details or {})
    if not getattr(actor, "is_authenticated", False):
        actor = None
    if origin is not None and origin.path:
        # The path, never the query string: a search may carry an ID number.
        details.setdefault("path", origin.path)
        details.setdefault("method", origin.method)
    if obj is not None and not division_code:
        division_code = getattr(obj, "division_code", "") or ""
    return AuditEvent.objects.create(
        actor=actor,
        username=(actor.get_username() if actor else username)[:150],
        role=getattr(actor, "role", "") or "",
        action=action, result=result,
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        division_code=division_code,
        client_ip=origin.address if origin is not None else None,
        details=details,
    )


def record_refusal(error, *, actor, origin: Origin | None) -> AuditEvent:
    """An authorisation failure that reached the API's error handler or the pages' middleware:
    an errors.Forbidden, or a NotFound for a record that exists beyond the caller's scope
    (details code `not_found`; the caller was answered 404 as for a missing id)."""
    return record(Action.ACCESS_DENIED, actor=actor, obj=getattr(error, "obj", None),
                  result=Result.REFUSED, origin=origin, details={"code": error.code})
