"""The one error type every domain verb raises; the API and the pages render it.

Each error has a stable machine code, a Chinese message for people, the field it is about
and the rule id of docs/domain.md it enforces, as the API contract asks.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Unmet:
    """A rule a pure rules.py function found not met; the verb raises it as the error its
    place calls for (a RuleViolation, a Conflict)."""

    code: str
    rule: str
    field: str
    message: str


class AnjuError(Exception):
    status = 422
    # Written to the audit log as access_denied by the API's error handler or the pages'
    # middleware.
    refusal = False

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 rule: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.rule = rule
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field,
                "rule": self.rule}


class RuleViolation(AnjuError):
    """422: the input breaks a policy or data rule."""

    status = 422


class Malformed(AnjuError):
    """400: the request cannot be read."""

    status = 400


class NotFound(AnjuError):
    """404: absent, or outside the caller's division scope (never told apart in the answer).
    `obj` is the record that exists beyond the caller's reach, for the audit row of the
    attempt (see divisions.scope.not_found)."""

    status = 404

    def __init__(self, message: str = "记录不存在或不在您的管辖范围内", *,
                 field: str | None = None, obj=None):
        super().__init__("not_found", message, field=field)
        self.obj = obj

    @property
    def refusal(self) -> bool:
        return self.obj is not None


class Forbidden(AnjuError):
    """403: in scope, but the caller's role may not do this."""

    status = 403
    refusal = True

    def __init__(self, message: str = "您的角色无权执行此操作", *, code: str = "forbidden",
                 rule: str | None = None, obj=None):
        super().__init__(code, message, rule=rule)
        self.obj = obj  # the record refused, for the audit row of the refusal


class Conflict(AnjuError):
    """409: the record changed under the caller, or its state does not allow the action."""

    status = 409


def version_conflict() -> Conflict:
    return Conflict("version_conflict", "记录已被他人修改，请刷新后重试", field="version")


class ValidationErrors(RuleViolation):
    """Several field errors at once (forms and imports show them all); the first leads."""

    def __init__(self, errors: list[AnjuError]):
        first = errors[0]
        super().__init__(first.code, first.message, field=first.field, rule=first.rule)
        self.errors = errors
