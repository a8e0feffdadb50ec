"""The page forms of investigation and appraisal. Like the registry's, their cleaning calls the
verbs (anju.appraisal.actions), so a page enforces exactly the rules the API does, and each
rule error lands beside the field it names."""

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from anju.accounts.access import can
from anju.appraisal import actions, rules
from anju.appraisal.codes import (
    DESCRIPTORS,
    GRADE_MEANINGS,
    IMMEDIATE_CONTROLS,
    NOT_APPLICABLE,
    RATINGS,
    Component,
    ControlKind,
    InspectionLevel,
    ItemLevel,
    Prevention,
    SeismicItem,
    SiteHazard,
)
from anju.policy.rules import profile_for
from anju.web.forms import BLANK, FilesWithRecordForm, MultipleFileField, date_field

MAX_ITEM_ROWS = 40
# A sensible first choice of level for whoever records; the recorder may change it.
LEVEL_BY_ROLE = {
    "village_cadre": InspectionLevel.VILLAGE,
    "township_officer": InspectionLevel.TOWNSHIP,
    "county_officer": InspectionLevel.COUNTY,
    "prefecture_officer": InspectionLevel.SPOT_CHECK,
    "appraiser": InspectionLevel.THIRD_PARTY,
    "admin": InspectionLevel.COUNTY,
}
YES_NO = [("yes", "有"), ("no", "无")]


def actor_name(user) -> str:
    return user.get_full_name() or user.username


class HouseVerbForm(FilesWithRecordForm):
    """A form that records something on one house; its files go on the house's file."""

    def __init__(self, *args, user, house, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.house = house
        self.today = timezone.localdate()
        # attach_file asks for registry.attach (appraisers have it).
        self.can_upload = can(user, "registry.attach")

    def files_owner(self) -> dict:
        return {"house": self.house}



# ---- 排查初判 -------------------------------------------------------------------------------

def kind_choices(kinds: list[dict]) -> list:
    """The catalogue as a select: serious kinds, then general ones, each under its heading."""
    groups = [(ItemLevel(level).label + "隐患",
               [(k["code"], k["name"]) for k in kinds if k["level"] == level])
              for level in (ItemLevel.SERIOUS, ItemLevel.GENERAL)]
    return BLANK + [g for g in groups if g[1]]


class ScreeningItemForm(forms.Form):
    kind = forms.ChoiceField(label="隐患项目", required=False)
    count = forms.IntegerField(label="处数", min_value=1, max_value=999, initial=1,
                               required=False)
    note = forms.CharField(label="部位或说明", max_length=200, required=False)

    def __init__(self, *args, kinds: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(kinds)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("note") and not cleaned.get("kind"):
            self.add_error("kind", "请选择隐患项目")
        return cleaned

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("kind") or self.cleaned_data.get("note"))


ScreeningItemFormSet = formset_factory(ScreeningItemForm, extra=3, max_num=MAX_ITEM_ROWS,
                                       validate_max=True)


def screening_items(data, kinds: list[dict]) -> ScreeningItemFormSet:
    return ScreeningItemFormSet(data, prefix="items", form_kwargs={"kinds": kinds})


def blank_item_row(index: int, kinds: list[dict]) -> ScreeningItemForm:
    """One more empty row for the formset, as "添加一项" asks."""
    return ScreeningItemForm(prefix=f"items-{index}", kinds=kinds)


class ScreeningForm(HouseVerbForm):
    checked_on = date_field("排查日期")
    level = forms.ChoiceField(label="排查层级", choices=InspectionLevel.choices, required=False)
    inspector = forms.CharField(label="排查人", max_length=80, required=False)
    altered_without_design = forms.BooleanField(
        label="擅自加层、扩建或拆改主体结构（无专业设计或无资质施工）", required=False)
    note = forms.CharField(label="备注", max_length=actions.NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, house, kinds: list[dict], items, **kwargs):
        super().__init__(*args, user=user, house=house, **kwargs)
        self.items = items
        self.levels = {k["code"]: k["level"] for k in kinds}
        self.initial.setdefault("checked_on", self.today)
        self.initial.setdefault("level", LEVEL_BY_ROLE.get(user.role, InspectionLevel.VILLAGE))
        self.initial.setdefault("inspector", actor_name(user))

    def subforms_valid(self) -> bool:
        if self.items.is_valid():
            return True
        self.add_error(None, "隐患项目填写有误，请按各行的提示修改")
        return False

    def item_rows(self) -> list:
        return [f for f in self.items.forms if not f.is_blank()]

    def row_forms(self, prefix):
        return self.item_rows() if prefix == "items" else []

    def record(self, cleaned, created):
        items = [{"kind": f.cleaned_data["kind"], "level": self.levels[f.cleaned_data["kind"]],
                  "count": f.cleaned_data.get("count") or 1,
                  "note": f.cleaned_data.get("note") or ""} for f in self.item_rows()]
        return actions.record_screening(self.house, acting_user=self.user, data={
            "checked_on": cleaned.get("checked_on"), "level": cleaned.get("level"),
            "inspector": cleaned.get("inspector") or "", "items": items,
            "altered_without_design": cleaned.get("altered_without_design", False),
            "note": cleaned.get("note") or "",
        })


# ---- 安全性鉴定 -----------------------------------------------------------------------------

RATING_LABELS = {NOT_APPLICABLE: "不适用（本房屋没有此类构件）"}


def component_field(component: str) -> forms.ChoiceField:
    choices = [(r, DESCRIPTORS[component][r]) for r in RATINGS]
    choices.append((NOT_APPLICABLE, RATING_LABELS[NOT_APPLICABLE]))
    return forms.ChoiceField(label=Component(component).label, choices=choices, required=False,
                             widget=forms.RadioSelect)


def grade_preview(data) -> dict:
    """What the component table computes so far (grading.md §3), for the live preview."""
    site = data.get("site") or SiteHazard.SAFE
    if site not in SiteHazard.values:
        site = SiteHazard.SAFE
    components = {c: data.get(f"components_{c}") for c in Component.values
                  if data.get(f"components_{c}") in (*RATINGS, NOT_APPLICABLE)}
    grade = rules.computed_grade(site, components)
    dangerous_site = site != SiteHazard.SAFE
    missing = [] if dangerous_site else [Component(c).label for c in Component.values
                                         if c not in components]
    given = data.get("grade") or ""
    return {
        "grade": grade,
        "meaning": GRADE_MEANINGS.get(grade or ""),
        "missing": missing,
        "all_not_applicable": grade is None and not missing,
        "dangerous_site": SiteHazard(site).label if dangerous_site else "",
        "differs": bool(grade and given in GRADE_MEANINGS and given != grade),
        "given": given,
    }


class AppraisalForm(HouseVerbForm):
    """The 2019 导则 component table for 1–2 storeys; an urban report's fields for 3 or more."""

    FIELD_NAMES = {"urban_report.file_id": "urban_report_file"}

    appraised_on = date_field("鉴定日期")
    appraiser = forms.CharField(label="鉴定人", max_length=80, required=False)
    organization = forms.CharField(label="鉴定单位", max_length=120, required=False)

    def __init__(self, *args, user, house, **kwargs):
        super().__init__(*args, user=user, house=house, **kwargs)
        self.urban = rules.needs_urban_appraisal(house.floors)
        self.seismic_intensity = profile_for(house.division_code, self.today).seismic_intensity
        self.seismic_required = (not self.urban
                                 and self.seismic_intensity >= rules.SEISMIC_REQUIRED_FROM)
        self.initial.setdefault("appraised_on", self.today)
        self.initial.setdefault("appraiser", actor_name(user))
        if self.urban:
            self.add_urban_fields()
        else:
            self.add_rural_fields()

    def add_urban_fields(self):
        f = self.fields
        f["urban_report_institution"] = forms.CharField(label="鉴定机构", max_length=120,
                                                        required=False)
        f["urban_report_report_no"] = forms.CharField(label="报告编号", max_length=60,
                                                      required=False)
        f["urban_report_grade"] = forms.ChoiceField(
            label="报告鉴定等级", required=False,
            choices=BLANK + [(g, f"{g}级：{m}") for g, m in GRADE_MEANINGS.items()])
        if self.can_upload:
            f["urban_report_file"] = forms.FileField(
                label="鉴定报告扫描件", required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
                help_text="PDF 或图片；保存出错时需重新选择文件")

    def add_rural_fields(self):
        f = self.fields
        f["site"] = forms.ChoiceField(
            label="场地", choices=SiteHazard.choices, required=False,
            help_text="场地存在滑坡、崩塌、地面沉陷等危险时，房屋直接评为 D 级，并建议迁址重建")
        self.initial.setdefault("site", SiteHazard.SAFE)
        for component in Component.values:
            f[f"components_{component}"] = component_field(component)
            if self.can_upload:
                f[f"component_photos_{component}"] = MultipleFileField(
                    label=f"{Component(component).label}照片")
        if self.seismic_required:
            for item in SeismicItem:
                f[f"seismic_{item.value}"] = forms.ChoiceField(
                    label=item.label, choices=YES_NO, required=False, widget=forms.RadioSelect)
        f["prevention"] = forms.ChoiceField(label="防灾措施鉴定", choices=Prevention.choices,
                                            required=False, widget=forms.RadioSelect)
        f["grade"] = forms.ChoiceField(
            label="鉴定等级", required=False,
            choices=[("", "按构件计算")] + [(g, f"{g}级") for g in GRADE_MEANINGS],
            help_text="与按构件计算的等级不同时，须写明综合判定理由")
        f["override_reason"] = forms.CharField(
            label="综合判定理由", max_length=actions.NOTE_MAX, required=False,
            widget=forms.Textarea(attrs={"rows": 2}))

    # Rows of the component table, for the template: (component, rating field, photo field).
    def component_rows(self) -> list:
        return [(Component(c), self[f"components_{c}"],
                 self[f"component_photos_{c}"] if self.can_upload else None)
                for c in Component.values]

    def seismic_fields(self) -> list:
        return [self[f"seismic_{i.value}"] for i in SeismicItem] if self.seismic_required else []

    def preview(self) -> dict:
        if self.urban:
            return {}
        data = self.data if self.is_bound else {"site": self.initial.get("site")}
        return grade_preview(data)

    def record(self, cleaned, created):
        data = {"appraised_on": cleaned.get("appraised_on"),
                "appraiser": cleaned.get("appraiser") or "",
                "organization": cleaned.get("organization") or ""}
        title = f"鉴定 {cleaned.get('appraised_on') or ''}".strip()
        if self.urban:
            file_id = None
            if upload := cleaned.get("urban_report_file"):
                file_id = self.attach([upload], kind="document", title=f"{title} 鉴定报告",
                                      field="urban_report_file", created=created)[0]
            data["urban_report"] = {
                "institution": cleaned.get("urban_report_institution") or "",
                "report_no": cleaned.get("urban_report_report_no") or "",
                "grade": cleaned.get("urban_report_grade") or "", "file_id": file_id}
        else:
            photos = {}
            for component in Component.values if self.can_upload else ():
                field = f"component_photos_{component}"
                if uploads := cleaned.get(field):
                    photos[component] = self.attach(
                        uploads, kind="photo", title=f"{title} {Component(component).label}",
                        field=field, created=created)
            data |= {
                "site": cleaned.get("site") or SiteHazard.SAFE,
                "components": {c: cleaned[f"components_{c}"] for c in Component.values
                               if cleaned.get(f"components_{c}")},
                "seismic": {i.value: cleaned[f"seismic_{i.value}"] == "yes"
                            for i in SeismicItem if cleaned.get(f"seismic_{i.value}")},
                "prevention": cleaned.get("prevention") or None,
                "grade": cleaned.get("grade") or None,
                "override_reason": cleaned.get("override_reason") or "",
                "component_photos": photos,
            }
        return actions.record_appraisal(self.house, acting_user=self.user, data=data)


# ---- 各级检查 -------------------------------------------------------------------------------

class InspectionForm(HouseVerbForm):
    FIELD_NAMES = {"photo_ids": "photos"}

    level = forms.ChoiceField(label="检查层级", choices=InspectionLevel.choices, required=False)
    inspected_on = date_field("检查日期")
    inspector = forms.CharField(label="检查人", max_length=80, required=False)
    findings = forms.CharField(label="发现情况", max_length=actions.NOTE_MAX, required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    major_hazard = forms.BooleanField(label="发现重大安全隐患（立即编号并采取管控措施）",
                                      required=False)
    controls = forms.MultipleChoiceField(
        label="管控措施", choices=ControlKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="发现重大安全隐患时采取；都不选则按搬离人员、腾空封房、专人值守、张贴警示标识")

    def __init__(self, *args, user, house, **kwargs):
        super().__init__(*args, user=user, house=house, **kwargs)
        self.initial.setdefault("inspected_on", self.today)
        self.initial.setdefault("level", LEVEL_BY_ROLE.get(user.role, InspectionLevel.VILLAGE))
        self.initial.setdefault("inspector", actor_name(user))
        self.initial.setdefault("controls", [c.value for c in IMMEDIATE_CONTROLS])
        if self.can_upload:
            self.fields["photos"] = MultipleFileField(label="照片",
                                                      help_text="可多选；保存出错时需重新选择")

    def record(self, cleaned, created):
        photo_ids = []
        if uploads := cleaned.get("photos"):
            photo_ids = self.attach(uploads, kind="photo",
                                    title=f"检查照片 {cleaned.get('inspected_on') or ''}",
                                    field="photos", created=created)
        major = cleaned.get("major_hazard", False)
        return actions.record_inspection(self.house, acting_user=self.user, data={
            "level": cleaned.get("level"), "inspected_on": cleaned.get("inspected_on"),
            "inspector": cleaned.get("inspector") or "",
            "findings": cleaned.get("findings") or "", "major_hazard": major,
            "controls": (cleaned.get("controls") or None) if major else None,
            "photo_ids": photo_ids,
        })
