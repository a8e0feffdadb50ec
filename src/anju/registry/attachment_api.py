"""Photos and scans of a house's or a household's file over HTTP, served through the scoped
door (never from a public media URL, since they show people's homes and papers)."""

from datetime import datetime

from django.http import FileResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from anju.accounts.access import requires
from anju.audit import actions as audit
from anju.audit.models import Action
from anju.registry import actions
from anju.registry.commands import AttachFile
from anju.registry.models import Attachment
from anju.registry.queries import (
    attachments_for_user,
    get_attachment_for_user,
    get_house_for_user,
    get_household_for_user,
)
from anju.web.apikit import ERRORS

house_attachments = Router(tags=["附件"])
household_attachments = Router(tags=["附件"])

_FILE_RESPONSE = {"responses": {200: {"description": "文件内容", "content": {
    mime: {"schema": {"type": "string", "format": "binary"}}
    for mime in sorted(actions.ALLOWED_ATTACHMENT_TYPES)}}}}


class AttachmentOut(Schema):
    id: int
    kind: str
    title: str
    content_type: str
    size: int
    sha256: str
    url: str
    uploaded_at: datetime


class AttachmentList(Schema):
    items: list[AttachmentOut]
    total: int


def present_attachment(attachment: Attachment, url: str) -> dict:
    return {"id": attachment.pk, "kind": attachment.kind, "title": attachment.title,
            "content_type": attachment.content_type, "size": attachment.size,
            "sha256": attachment.sha256, "url": url, "uploaded_at": attachment.uploaded_at}


def _house_file_url(attachment: Attachment, house_id: int) -> str:
    return reverse("api:house_attachment_file",
                   kwargs={"house_id": house_id, "attachment_id": attachment.pk})


def _household_file_url(attachment: Attachment, household_id: int) -> str:
    return reverse("api:household_attachment_file",
                   kwargs={"household_id": household_id, "attachment_id": attachment.pk})


def _stream(request, attachment: Attachment) -> FileResponse:
    # Every file served is audited: these are pictures of people's homes and papers.
    audit.record(Action.DOWNLOAD, actor=request.user, obj=attachment, origin=request.origin,
                 details={"kind": attachment.kind, "size": attachment.size})
    extension = attachment.content_type.rsplit("/", 1)[-1]
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            filename=f"attachment-{attachment.pk}.{extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@house_attachments.post("/{house_id}/attachments", response={201: AttachmentOut, **ERRORS},
                        summary="上传房屋照片或扫描件")
@requires("registry.attach")
def upload_house_attachment(request, house_id: int, file: File[UploadedFile],
                            payload: Form[AttachFile]):
    house = get_house_for_user(request.user, house_id)
    attachment = actions.attach_file(house, payload, upload=file, acting_user=request.user,
                                     origin=request.origin)
    return 201, present_attachment(attachment, _house_file_url(attachment, house.pk))


@house_attachments.get("/{house_id}/attachments", response={200: AttachmentList, **ERRORS},
                       summary="房屋的照片和扫描件")
@requires("registry.view")
def list_house_attachments(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    items = [present_attachment(a, _house_file_url(a, house.pk))
             for a in attachments_for_user(request.user, house=house)]
    return {"items": items, "total": len(items)}


@house_attachments.get("/{house_id}/attachments/{attachment_id}/file", response=ERRORS,
                       url_name="house_attachment_file", openapi_extra=_FILE_RESPONSE,
                       summary="下载房屋附件")
@requires("registry.view")
def house_attachment_file(request, house_id: int, attachment_id: int):
    house = get_house_for_user(request.user, house_id)
    return _stream(request, get_attachment_for_user(request.user, attachment_id, house=house))


@household_attachments.post("/{household_id}/attachments",
                            response={201: AttachmentOut, **ERRORS},
                            summary="上传农户档案材料（一户一档）")
@requires("registry.edit")
def upload_household_attachment(request, household_id: int, file: File[UploadedFile],
                                payload: Form[AttachFile]):
    household = get_household_for_user(request.user, household_id)
    attachment = actions.attach_file(household, payload, upload=file, acting_user=request.user,
                                     origin=request.origin)
    return 201, present_attachment(attachment, _household_file_url(attachment, household.pk))


@household_attachments.get("/{household_id}/attachments",
                           response={200: AttachmentList, **ERRORS},
                           summary="农户档案中的照片和扫描件（含其房屋的）")
@requires("registry.view")
def list_household_attachments(request, household_id: int):
    household = get_household_for_user(request.user, household_id)
    items = [present_attachment(a, _household_file_url(a, household.pk))
             for a in attachments_for_user(request.user, household=household)]
    return {"items": items, "total": len(items)}


@household_attachments.get("/{household_id}/attachments/{attachment_id}/file",
                           response=ERRORS, url_name="household_attachment_file",
                           openapi_extra=_FILE_RESPONSE, summary="下载农户档案材料")
@requires("registry.view")
def household_attachment_file(request, household_id: int, attachment_id: int):
    household = get_household_for_user(request.user, household_id)
    return _stream(request,
                   get_attachment_for_user(request.user, attachment_id, household=household))
