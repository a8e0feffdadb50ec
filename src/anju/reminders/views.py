"""The 提醒 page (an official's own reminders, marked read) and the outbox page of the system
administrator (what was sent, what waits, what failed; a failed message is sent again)."""

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.accounts.access import requires
from anju.kit.errors import Conflict
from anju.reminders import actions, queries
from anju.reminders.models import Status
from anju.web.pages import paginate, query_without_page


@requires("reminders.inbox")
def inbox(request):
    page = paginate(request, queries.messages_for_user(request.user).order_by("-id"))
    return render(request, "reminders/inbox.html", {
        "page": page, "unread": queries.unread_count(request.user)})


@requires("reminders.inbox")
@require_POST
def read(request, message_id: int):
    message = queries.get_message_for_user(request.user, message_id)
    actions.mark_read(message, acting_user=request.user)
    return redirect("reminders:inbox")


@requires("reminders.inbox")
@require_POST
def read_all(request):
    actions.mark_all_read(acting_user=request.user)
    return redirect("reminders:inbox")


@requires("reminders.outbox")
def outbox(request):
    status = request.GET.get("status") or ""
    page = paginate(request, queries.outbox_for_user(request.user, status).select_related("user"))
    counts = queries.outbox_counts(request.user)
    return render(request, "reminders/outbox.html", {
        "page": page, "status": status, "query": query_without_page(request),
        "counts": [(value, label, counts[value]) for value, label in Status.choices]})


@requires("reminders.outbox")
@require_POST
def retry(request, message_id: int):
    message = queries.get_outbox_message_for_user(request.user, message_id)
    try:
        actions.retry_message(message, acting_user=request.user)
    except Conflict as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("{ref} 已重新排队发送").format(ref=message.ref))
    return redirect("reminders:outbox")
