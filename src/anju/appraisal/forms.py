"""The page forms of investigation and appraisal, generated from the acts' commands
(commands.py): a page enforces exactly the rules the API does, and each rule error lands beside
the field it names. What a command holds as a list or a table (screening items, component
ratings, seismic items, the urban report) is a sub-form here, its fields named after the error
fields of the verb with dots as underscores (`components.roof` → `components_roof`)."""

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
    SeismicItem,
    SiteHazard,
)
from anju.appraisal.commands import (
    CONTROLS_HELP,
    RecordAppraisal,
    RecordInspection,
    RecordScreening,
)
from anju.evidence.models import Act as EvidenceAct
from anju.evidence.queries import evidence_choices
from anju.kit.errors import AnjuError
from anju.policy.rules import profile_for
from anju.web.forms import BLANK, CommandForm, MultipleFileField

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


class HouseForm(CommandForm):
    """An act on one house (`target`); its files go on the house's file (一户一档)."""

    def __init__(self, *args, **kwargs):
        self.today = timezone.localdate()
        super().__init__(*args, **kwargs)

    @property
    def house(self):
        return self.target

    @property
    def can_upload(self) -> bool:
        return can(self.user, "registry.attach")  # appraisers have it

    def files_owner(self) -> dict:
        return {"house": self.house}

    def drop(self, *names) -> None:
        for name in names:
            self.fields.pop(name, None)

    def level_choices(self) -> None:
        # The level has a default: no empty choice; the recorder's own level comes first.
        self.fields["level"].choices = InspectionLevel.choices
        self.initial.setdefault("level", LEVEL_BY_ROLE.get(self.user.role,
                                                           InspectionLevel.VILLAGE))

    def show(self, error: AnjuError) -> None:
        # A sub-form's field is named after the verb's error field, dots as underscores.
        name = (error.field or "").replace(".", "_")
        if name != error.field and name in self.fields:
            error = AnjuError(error.code, error.message, field=name, rule=error.rule)
        super().show(error)


# ---- 排查初判 -------------------------------------------------------------------------------

def kind_choices(kinds: list[dict]) -> list:
    """The catalogue as a select: serious kinds, then general ones, each under its heading."""
    groups = [(ItemLevel(level).label + "隐患",
               [(k["code"], k["name"]) for k in kinds if k["level"] == level])
              for level in (ItemLevel.SERIOUS, ItemLevel.GENERAL)]
    return BLANK + [g for g in groups if g[1]]


class ScreeningItemForm(forms.Form):
    """One row of the screening's items (ScreeningItem); its level comes from the catalogue."""

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


class ScreeningForm(HouseForm):
    command = RecordScreening
    verb = actions.record_screening

    def __init__(self, *args, kinds: list[dict], items, **kwargs):
        self.items = items
        self.levels = {k["code"]: k["level"] for k in kinds}
        super().__init__(*args, **kwargs)

    def setup(self):
        self.level_choices()
        self.initial.setdefault("checked_on", self.today)
        self.initial.setdefault("inspector", actor_name(self.user))

    def subforms_valid(self) -> bool:
        if self.items.is_valid():
            return True
        self.add_error(None, "隐患项目填写有误，请按各行的提示修改")
        return False

    def item_rows(self) -> list:
        return [f for f in self.items.forms if not f.is_blank()]

    def row_forms(self, prefix):
        return self.item_rows() if prefix == "items" else []

    def command_data(self, values):
        if self.items.is_valid():
            values["items"] = [
                {"kind": f.cleaned_data["kind"], "level": self.levels[f.cleaned_data["kind"]],
                 "count": f.cleaned_data.get("count") or 1,
                 "note": f.cleaned_data.get("note") or ""} for f in self.item_rows()]
        return values


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


RURAL = ("site", "prevention", "grade", "override_reason")


class AppraisalForm(HouseForm):
    """The 2019 导则 component table for 1–2 storeys; an urban report's fields for 3 or more.
    The component ratings, seismic items, component photos and the urban report are sub-form
    fields (`components_roof`, `seismic_ring_beam`, `component_photos_roof`,
    `urban_report_report_no`, …)."""

    command = RecordAppraisal
    exclude = ("components", "seismic", "component_photos")

    # The grade is the computed one unless the appraiser chooses another.
    grade = forms.ChoiceField(
        label="鉴定等级", required=False,
        choices=[("", "按构件计算")] + [(g, f"{g}级") for g in GRADE_MEANINGS],
        help_text="与按构件计算的等级不同时，须写明综合判定理由")

    def setup(self):
        self.urban = rules.needs_urban_appraisal(self.house.floors)
        self.seismic_intensity = profile_for(self.house.division_code,
                                             self.today).seismic_intensity
        self.seismic_required = (not self.urban
                                 and self.seismic_intensity >= rules.SEISMIC_REQUIRED_FROM)
        self.initial.setdefault("appraised_on", self.today)
        self.initial.setdefault("appraiser", actor_name(self.user))
        if self.urban:
            self.drop(*RURAL, "organization")  # the institution is the report's
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
            f["urban_report_file_id"] = forms.FileField(
                label="鉴定报告扫描件", required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
                help_text="PDF 或图片；保存出错时需重新选择文件")

    def add_rural_fields(self):
        f = self.fields
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

    def command_data(self, values):
        cleaned = self.cleaned_data
        if self.urban:
            values["urban_report"] = {
                "institution": cleaned.get("urban_report_institution") or "",
                "report_no": cleaned.get("urban_report_report_no") or "",
                "grade": cleaned.get("urban_report_grade") or ""}
            return values
        values["components"] = {c: cleaned[f"components_{c}"] for c in Component.values
                                if cleaned.get(f"components_{c}")}
        values["seismic"] = {i.value: cleaned[f"seismic_{i.value}"] == "yes"
                             for i in SeismicItem if cleaned.get(f"seismic_{i.value}")}
        return values

    def act(self, cmd: RecordAppraisal):
        # The sub-form's uploads go on the house's file before the appraisal that names them;
        # a refused appraisal keeps none of them.
        created: list = []
        try:
            cmd = cmd.model_copy(update=self._uploads(cmd, created))
            return actions.record_appraisal(self.house, cmd, acting_user=self.user,
                                            origin=self.origin)
        except Exception:
            for attachment in created:
                attachment.file.delete(save=False)
            raise

    def _uploads(self, cmd: RecordAppraisal, created: list) -> dict:
        if not self.can_upload:
            return {}
        cleaned = self.cleaned_data
        title = f"鉴定 {cmd.appraised_on}"
        if self.urban:
            upload = cleaned.get("urban_report_file_id")
            if not upload:
                return {}
            ids = self.attach([upload], kind="document", title=f"{title} 鉴定报告",
                              field="urban_report_file_id", created=created)
            return {"urban_report": cmd.urban_report.model_copy(update={"file_id": ids[0]})}
        photos = {}
        for component in Component.values:
            field = f"component_photos_{component}"
            if uploads := cleaned.get(field):
                photos[component] = self.attach(
                    uploads, kind="photo", title=f"{title} {Component(component).label}",
                    field=field, created=created)
        return {"component_photos": photos}


# ---- 各级检查 -------------------------------------------------------------------------------

class InspectionForm(HouseForm):
    command = RecordInspection
    verb = actions.record_inspection

    controls = forms.MultipleChoiceField(
        label="管控措施", choices=ControlKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=CONTROLS_HELP)

    def setup(self):
        self.level_choices()
        self.initial.setdefault("inspected_on", self.today)
        self.initial.setdefault("inspector", actor_name(self.user))
        self.initial.setdefault("controls", [c.value for c in IMMEDIATE_CONTROLS])
        # R-CJ-3 抽查 rests on a capture of the house (the verb refuses one without)
        self.fields["evidence_id"].choices = BLANK + evidence_choices(
            self.user, self.house.pk, EvidenceAct.SPOT_CHECK)
        if not self.can_upload:
            self.drop("photo_ids")

    def upload_title(self, name):
        return f"检查照片 {self.cleaned_data.get('inspected_on') or ''}"

    def command_data(self, values):
        # The control measures are taken only with a major hazard.
        values["controls"] = (values.get("controls") or None) if values.get("major_hazard") \
            else None
        return values
