"""R-MH-13 一户一档: the household's file, what is on it and what is missing, and closing."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from anju.assistance import commands, rules
from anju.assistance.actions._case import attachments_of, facts_of, open_move, text
from anju.assistance.codes import Action, DocumentKind
from anju.assistance.commands import TEXT_MAX
from anju.assistance.models import Application, CaseDocument
from anju.assistance.transitions import WORKFLOW
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation, raise_if
from anju.kit.origin import Origin


@dataclass(frozen=True)
class ArchiveLine:
    kind: str
    label: str
    required: bool
    present: bool
    documents: tuple  # CaseDocument rows of this kind


def archive_of(case: Application) -> list[ArchiveLine]:
    """Every document the plan names for this case, with what is on file."""
    facts = facts_of(case)
    required = rules.required_documents(method=case.method, has_house=case.house_id is not None,
                                        grade=case.grade, account=facts.account,
                                        township_built=case.township_built)
    by_kind: dict[str, list] = {}
    for document in case.documents.select_related("attachment"):
        by_kind.setdefault(document.kind, []).append(document)
    kinds = list(required) + [k for k in DocumentKind.values
                              if k in by_kind and k not in required]
    return [ArchiveLine(k, DocumentKind(k).label, k in required, k in by_kind,
                        tuple(by_kind.get(k, ()))) for k in kinds]


def add_document(case: Application, cmd: commands.AddDocument, *, acting_user,
                 origin: Origin | None = None) -> CaseDocument:
    """Put a scanned document or photo (already on the household's file) into the archive."""
    open_move(case, Action.ADD_DOCUMENT, acting_user=acting_user)
    if cmd.kind not in DocumentKind.values or cmd.kind == DocumentKind.NOTICE:
        raise RuleViolation(Code.CHOICE_INVALID, f"材料类别 {cmd.kind!r} 不在代码表中",
                            field="kind", rule="R-MH-13")
    files = attachments_of(case, [cmd.attachment_id], "attachment_id")
    with transaction.atomic():
        made = CaseDocument.objects.create(application=case, kind=cmd.kind, attachment=files[0],
                                           added_by=acting_user)
        WORKFLOW.apply(case, Action.ADD_DOCUMENT, acting_user=acting_user,
                       on=timezone.localdate(), origin=origin,
                       details={"kind": cmd.kind, "attachment": files[0].pk})
    return made


def close(case: Application, cmd: commands.Close, *, acting_user,
          origin: Origin | None = None) -> Application:
    """结案: only with the archive complete (R-MH-13) and the original house dealt with
    (R-MH-11)."""
    open_move(case, Action.CLOSE, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    raise_if(date_errors(on, "on", "结案日期", timezone.localdate()))
    with transaction.atomic():
        WORKFLOW.apply(case, Action.CLOSE, acting_user=acting_user, on=on, origin=origin,
                       comment=text(cmd.note, TEXT_MAX), closed_on=on)
    return case
