"""The audit log in a clerk's words: role names, objects named as the clerk knows them, changes
as "field: old → new". The models of the apps above are reached through Django's app registry
(the audit log sits below them and never imports them)."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

# Keys of `details` written by the apps (never personal data, actions.record).
DETAIL_LABELS = {
    "what": "内容", "rows": "行数", "filters": "筛选条件", "channel": "渠道", "reason": "原因",
    "fields": "字段", "code": "原因", "path": "页面", "method": "方式", "step": "步骤",
    "tokens_revoked": "吊销令牌数", "tokens": "令牌数", "devices": "设备数", "attempts": "失败次数",
    "username": "用户名", "scope": "管辖区划", "role": "角色", "department": "部门",
    "kind": "类型", "counts": "结果", "file": "文件", "division": "区划", "token": "令牌",
    "export": "导出", "sign": "警示标志编号", "via": "途径", "format": "格式",
    "full_view": "完整信息", "job": "任务编号", "layout": "版式", "effective": "版式生效日期",
    "layout_file": "版式文件", "programme": "项目", "year": "年度", "action": "操作",
}
# Keys that are not a field of the event's object, named when nothing else names them.
OTHER_LABELS = {
    "workflow": "业务", "to": "改为", "from": "原为", "passed": "是否通过", "grade": "等级",
    "appraisal": "鉴定记录编号", "amount": "金额（元）", "retention": "保存期限",
    "houses": "房屋数", "document": "材料编号", "client_uuid": "手机记录编号", "was": "原值",
    "status": "状态", "seed": "随机种子", "reference": "文号", "payment": "拨付记录编号",
    "objection": "异议编号", "measure": "措施编号", "level": "层级", "holds": "是否有效",
    "days_late": "逾期天数", "completed_on": "完成日期", "check": "检查记录编号", "act": "用途",
    "year_no": "年度编号", "voucher": "凭证号", "treatment": "处理方式", "superseded": "被取代",
    "subsidy_amount": "补助金额（元）", "starts_on": "开始日期", "started_on": "开工日期",
    "stage": "阶段", "source": "来源", "size": "文件大小（字节）", "result": "结果",
    "planned_controls": "计划管控措施", "period": "期间", "people": "人数", "paid": "已拨付",
    "opened": "新开", "on": "日期", "notices": "公示数", "notice": "公示编号", "mode": "方式",
    "meeting": "会议", "late": "逾期", "kept_at": "保存时间", "inspectors": "检查人员",
    "inspection": "检查记录编号", "household": "农户编号", "house": "房屋编号",
    "host_house": "安置房屋编号", "errors": "错误数", "ends_on": "结束日期", "due_on": "期限",
    "due": "到期", "divisions": "区划数", "differences": "差异数", "decision": "决定",
    "craftsman": "工匠编号", "contractor": "施工单位编号", "contents": "内容", "column": "列",
    "category": "类别", "cases": "案件数", "batch": "批次", "backfill": "批量列入",
    "attendance": "到会人数", "attachment": "附件编号", "as_of": "截至", "apply": "采用",
    "applications": "申请数", "account": "账号", "acceptance": "验收记录编号",
}
VALUE_WORDS = {
    "web": "网页", "api": "接口", "bad_credentials": "用户名或密码错误", "locked": "账户已锁定",
    "idle": "长时间未操作", "enrol": "绑定", "audit_log": "审计日志",
    "not_found": "记录不在管辖范围",
    "GET": "查看", "POST": "提交", "PUT": "修改", "PATCH": "修改", "DELETE": "删除",
    "head_id_number": "户主身份证号", "phone": "联系电话", "bank_account": "银行账号",
    "True": "是", "False": "否", "command": "命令行",
    # what was exported
    "warning-sign": "危房警示标志", "rectification-ledger": "整治台账",
    "rectification-summary": "排查整治工作总结", "inspections-due": "定期巡检到期清单",
    "programme-plan": "年度建设计划", "work-summary": "工作总结", "houses": "房屋清单",
    "findings": "数据质量问题", "applications": "住房安全保障申请", "payments": "补助拨付",
    "national/differences": "对账差异清单", "national/rollup": "全省汇总",
    # the workflows and acts of apps without a transition table of their own
    "field": "信息采集助手", "quality": "数据质量", "apply": "采集入库",
    "resolve_conflict": "处理采集冲突", "sweep": "数据质量检查",
}
# Fields whose values are division codes: shown by name.
DIVISION_KEYS = {"scope", "division", "division_code", "moved_from"}


@dataclass(frozen=True)
class Line:
    label: str
    text: str


def _choices(model_label: str, field: str) -> dict:
    try:
        model = apps.get_model(model_label)
        return {str(k): str(v) for k, v in model._meta.get_field(field).flatchoices}
    except (LookupError, FieldDoesNotExist, ValueError):
        return {}


def app_words(app_label: str) -> dict[str, str]:
    """The words an app gives the codes it writes in `details` (its actions, the keys and
    values of its own): AppConfig.audit_words(), when the app has one."""
    try:
        words = getattr(apps.get_app_config(app_label), "audit_words", None)
    except LookupError:
        return {}
    return {str(k): str(v) for k, v in words().items()} if callable(words) else {}


def role_name(code: str) -> str:
    return _choices("accounts.user", "role").get(code, code) if code else ""


_NAMES: dict[str, str] = {}


def division_name(code: str) -> str:
    if not code:
        return ""
    # a division's name does not change while Anju runs (the national table is loaded, not
    # edited): the ones found are kept
    if code not in _NAMES:
        division = apps.get_model("divisions.division").objects.filter(code=code).first()
        if division is None:
            return code
        _NAMES[code] = division.name
    return _NAMES[code]


def _mask(name: str, reveal: bool) -> str:
    name = (name or "").strip()
    if not name or reveal:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)


def _household_words(household, reveal: bool) -> str:
    place = division_name(household.division_code)
    return f"{_mask(household.head_name, reveal)}户" + (f"（{place}）" if place else "")


def object_name(object_type: str, object_id: str, *, reveal: bool = False) -> str:
    """"农村危房改造申请 张*户（山城镇演示一村）" for `assistance.application #30`; names masked
    unless the reader may see them."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return f"{object_type} {object_id}"
    kind = str(model._meta.verbose_name)
    obj = model._default_manager.filter(pk=object_id).first() if object_id else None
    if obj is None:
        return f"{kind}（已不存在）" if object_id else kind
    if hasattr(obj, "head_name"):
        return f"{kind} {_household_words(obj, reveal)}"
    household = getattr(obj, "household", None)
    if household is not None and hasattr(household, "head_name"):
        return f"{kind} {_household_words(household, reveal)}"
    if object_type == "accounts.user":
        return f"{kind} {obj.get_username()}"
    if hasattr(obj, "address"):
        place = division_name(getattr(obj, "division_code", ""))
        return f"{kind} {obj.address}" + (f"（{place}）" if place else "")
    return f"{kind} {obj}"


def _value(key: str, value, choices: dict, words: dict | None = None) -> str:
    words = words or {}
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "、".join(_value(key, v, choices, words) for v in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{words.get(k) or DETAIL_LABELS.get(k) or OTHER_LABELS.get(k, k)} "
                        f"{_value(k, v, {}, words)}" for k, v in value.items())
    text = str(value)
    if key in DIVISION_KEYS:
        return division_name(text)
    if key == "role":
        return role_name(text)
    if key == "export" and text.startswith("national/"):
        return VALUE_WORDS.get(text) or f"国家系统版式 {text.split('/', 1)[1]}"
    return choices.get(text) or words.get(text) or VALUE_WORDS.get(text, text)


def _field_label(model_label: str, field: str) -> tuple[str, dict]:
    try:
        f = apps.get_model(model_label)._meta.get_field(field)
        return str(f.verbose_name), {str(k): str(v) for k, v in (f.flatchoices or [])}
    except (LookupError, FieldDoesNotExist, ValueError, AttributeError):
        return DETAIL_LABELS.get(field, field), {}


def change_lines(object_type: str, details: dict) -> list[Line]:
    """The event's details as labelled lines: a transition as "状态：旧 → 新", a change of a user
    as "角色：乡镇干部 → 村干部", anything else as "label：value"."""
    details = dict(details or {})
    lines = []
    app = object_type.split(".")[0] if object_type else ""
    words = app_words(app) if app else {}
    action = details.pop("action", "") if object_type else ""
    if action:
        acts = _choices(f"{app}.transition", "action")
        lines.append(Line("操作", acts.get(action) or words.get(action)
                          or VALUE_WORDS.get(action, action)))
    if {"from", "to"} <= details.keys() and object_type:
        statuses = _choices(object_type, "status")
        lines.append(Line("状态", f"{statuses.get(details.pop('from'), '') or '（无）'} → "
                                  f"{statuses.get(details.pop('to'), '')}"))
    changes = details.pop("changes", None)
    if isinstance(changes, dict):
        for field, pair in changes.items():
            label, choices = _field_label(object_type, field)
            if isinstance(pair, list | tuple) and len(pair) == 2:
                lines.append(Line(label, f"{_value(field, pair[0], choices, words)} → "
                                         f"{_value(field, pair[1], choices, words)}"))
            else:
                lines.append(Line(label, _value(field, pair, choices, words)))
    for key in ("path", "method"):
        details.pop(key, None)
    for key, value in details.items():
        label, choices = _field_label(object_type, key) if object_type else (
            DETAIL_LABELS.get(key, key), {})
        if key in DETAIL_LABELS:
            label = DETAIL_LABELS[key]
        elif label in (key, key.replace("_", " ")):  # a field Django names by its code
            label = words.get(key) or OTHER_LABELS.get(key, key)
        lines.append(Line(label, _value(key, value, choices, words)))
    return lines
