"""The registry's page forms. Their cleaning calls the registry verbs, so a page enforces
exactly the rules the API and imports do, and each AnjuError lands next to its field."""

from django import forms
from django.forms import formset_factory

from anju.kit.errors import AnjuError, Forbidden
from anju.kit.masks import mask_account, mask_id_number, mask_phone
from anju.registry import actions
from anju.registry.codes import (
    BuildMethod,
    BusinessSector,
    Occupancy,
    PriorityTag,
    Relation,
    ResponsibleRole,
    Structure,
    Use,
)
from anju.web.forms import DivisionPicker, VerbForm, choice

KEEP = "留空则保持原值"


class MemberForm(forms.Form):
    member_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="姓名", max_length=40, required=False)
    relation = choice(Relation.choices, "与户主关系")
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(f) for f in ("name", "relation", "id_number"))


MemberFormSet = formset_factory(MemberForm, extra=2, can_delete=True)


class HouseholdForm(VerbForm):
    division_code = forms.CharField(label="所在村", required=False,
                                    widget=DivisionPicker(level=12))
    head_name = forms.CharField(label="户主姓名", max_length=40, required=False)
    head_id_number = forms.CharField(label="户主身份证号", max_length=18, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    persons = forms.IntegerField(label="家庭人口", required=False)
    bank_account = forms.CharField(label="一卡通账号", max_length=32, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=60, required=False)

    FIELDS = ("division_code", "head_name", "head_id_number", "phone", "persons",
              "bank_account", "bank_name")
    # Shown masked on an edit page and kept unless retyped: the full number is never put
    # into a page for a role that may not see it.
    SENSITIVE = {"head_id_number": mask_id_number, "phone": mask_phone,
                 "bank_account": mask_account}

    def __init__(self, *args, user, instance=None, members=None, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        self.members = members
        if instance is not None:
            for field in self.FIELDS:
                if field not in self.SENSITIVE:
                    self.initial.setdefault(field, getattr(instance, field))
            for field, mask in self.SENSITIVE.items():
                current = getattr(instance, field)
                self.fields[field].widget.attrs["placeholder"] = (
                    f"{mask(current)}（{KEEP}）" if current else "")

    def subforms_valid(self) -> bool:
        return self.members is None or self.members.is_valid()

    def member_rows(self) -> list:
        if self.members is None:
            return []
        return [f for f in self.members.forms
                if not f.is_blank() and not f.cleaned_data.get("DELETE")]

    def row_forms(self, prefix):
        return self.member_rows() if prefix == "members" else []

    def member_data(self) -> list[dict]:
        existing = ({m.pk: m.id_number for m in self.instance.members.all()}
                    if self.instance is not None else {})
        out = []
        for form in self.member_rows():
            d = form.cleaned_data
            id_number = (d.get("id_number") or "").strip().upper()
            if not id_number and d.get("member_id") in existing:
                id_number = existing[d["member_id"]]
            out.append({"name": (d.get("name") or "").strip(), "relation": d.get("relation"),
                        "id_number": id_number})
        return out

    def run_verb(self, cleaned):
        cleaned = {**cleaned, "head_id_number": (cleaned.get("head_id_number") or "").upper()}
        if self.instance is None:
            data = {f: cleaned.get(f) for f in self.FIELDS}
            data["members"] = self.member_data()
            return actions.register_household(acting_user=self.user, data=data)
        changes = self.changes(cleaned, self.FIELDS)
        if self.members is not None and self.members.has_changed():
            changes["members"] = self.member_data()
        if not changes:
            return self.instance
        return actions.update_household(self.instance, acting_user=self.user,
                                        version=cleaned["version"], changes=changes)


def member_formset(data=None, household=None) -> MemberFormSet:
    initial = []
    if household is not None:
        for m in household.members.all():
            initial.append({"member_id": m.pk, "name": m.name, "relation": m.relation})
    formset = MemberFormSet(data, initial=initial, prefix="members")
    if household is not None:
        masked = {m.pk: mask_id_number(m.id_number) for m in household.members.all()}
        for form in formset.forms:
            shown = masked.get(form.initial.get("member_id"))
            if shown:
                form.fields["id_number"].widget.attrs["placeholder"] = f"{shown}（{KEEP}）"
    return formset


class HouseForm(VerbForm):
    household_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    division_code = forms.CharField(label="所在村", required=False,
                                    widget=DivisionPicker(level=12))
    address = forms.CharField(label="地址", max_length=200, required=False)
    structure = choice(Structure.choices, "结构类型")
    color_steel = forms.BooleanField(label="彩钢房", required=False)
    floors = forms.IntegerField(label="层数", required=False)
    built_year = forms.IntegerField(label="建造年份", required=False)
    build_method = choice(BuildMethod.choices, "建造方式")
    floor_area = forms.DecimalField(label="建筑面积（㎡）", required=False, max_digits=8,
                                    decimal_places=2)
    use = choice(Use.choices, "用途")
    business_sector = choice(BusinessSector.choices, "经营行业",
                             help_text="用途为经营性或住+经营时必填")
    occupancy = choice(Occupancy.choices, "居住状态")
    is_only_house = forms.BooleanField(label="唯一住房", required=False)
    priority_tags = forms.MultipleChoiceField(
        label="重点区域", choices=PriorityTag.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="学校、医院、市场周边等重点区域的房屋排在清单前面")
    lat = forms.DecimalField(label="纬度", required=False, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(label="经度", required=False, max_digits=9, decimal_places=6)

    FIELDS = ("household_id", "division_code", "address", "lat", "lng", "structure",
              "color_steel", "floors", "built_year", "build_method", "floor_area", "use",
              "business_sector", "occupancy", "is_only_house", "priority_tags")

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        if instance is not None:
            for field in self.FIELDS:
                self.initial.setdefault(field, getattr(instance, field))
        else:
            self.initial.setdefault("is_only_house", True)

    def run_verb(self, cleaned):
        if self.instance is None:
            data = {f: cleaned.get(f) for f in self.FIELDS}
            data["address"] = (data["address"] or "").strip()
            return actions.register_house(acting_user=self.user, data=data)
        changes = self.changes(cleaned, self.FIELDS)
        if not changes:
            return self.instance
        return actions.update_house(self.instance, acting_user=self.user,
                                    version=cleaned["version"], changes=changes)


class ResponsiblePersonForm(forms.Form):
    person_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = choice(ResponsibleRole.choices, "责任类型")
    name = forms.CharField(label="姓名或单位", max_length=80, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    department = forms.CharField(label="部门", max_length=32, required=False)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(f) for f in ("role", "name", "phone",
                                                          "department"))


ResponsibleFormSet = formset_factory(ResponsiblePersonForm, extra=2, can_delete=True)


class ResponsiblePersonsForm(VerbForm):
    """Names the house's responsible persons; the rows are a formset (prefix `persons`)."""

    def __init__(self, *args, user, instance, persons, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        self.persons = persons

    def subforms_valid(self):
        return self.persons.is_valid()

    def rows(self):
        return [f for f in self.persons.forms
                if not f.is_blank() and not f.cleaned_data.get("DELETE")]

    def row_forms(self, prefix):
        return self.rows() if prefix == "responsible_persons" else []

    def clean(self):
        cleaned = forms.Form.clean(self)
        if self.errors:
            return cleaned
        if not self.subforms_valid():
            self.add_error(None, "请修改下方标出的各行后再保存")
            return cleaned
        phones = {p.pk: p.phone for p in self.instance.responsible_persons.all()}
        data = []
        for form in self.rows():
            row = {k: (form.cleaned_data.get(k) or "").strip()
                   for k in ("role", "name", "phone", "department")}
            if not row["phone"]:
                row["phone"] = phones.get(form.cleaned_data.get("person_id"), "")
            data.append(row)
        self.saved = self.call_verb(actions.set_responsible_persons, self.instance,
                                    acting_user=self.user, persons=data)
        return cleaned


def responsible_formset(data, house) -> ResponsibleFormSet:
    people = list(house.responsible_persons.all())
    initial = [{"person_id": p.pk, "role": p.role, "name": p.name, "department": p.department}
               for p in people]
    formset = ResponsibleFormSet(data, initial=initial, prefix="persons")
    masked = {p.pk: mask_phone(p.phone) for p in people if p.phone}
    for form in formset.forms:
        if shown := masked.get(form.initial.get("person_id")):
            form.fields["phone"].widget.attrs["placeholder"] = f"{shown}（{KEEP}）"
    return formset


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("photo", "照片"), ("document", "扫描件")])
    title = forms.CharField(label="说明", max_length=100, required=False)
    file = forms.FileField(label="文件")

    def __init__(self, *args, user, house, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.house, self.saved = user, house, None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.saved = actions.attach_file(acting_user=self.user, upload=cleaned["file"],
                                             kind=cleaned["kind"], house=self.house,
                                             title=cleaned.get("title") or "")
        except Forbidden:
            raise
        except AnjuError as e:
            self.add_error("file" if e.field in (None, "file") else None, e.message)
        return cleaned
