"""The registry's page forms, generated from the registry's commands (CommandForm): validating
reads only, saving runs the verb, so a page enforces exactly the rules the API and imports do,
and each error lands next to its field. Members and responsible persons are rows of a formset
beside the form, named in errors as `members[i].field` and `responsible_persons[i].field`."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _lazy

from anju.kit.masks import mask_account, mask_id_number, mask_phone
from anju.registry import actions
from anju.registry.codes import AttachmentKind, PriorityTag, Relation, ResponsibleRole
from anju.registry.commands import (
    AttachFile,
    DemolishHouse,
    RegisterHouse,
    RegisterHousehold,
    SetResponsiblePersons,
    UpdateHouse,
    UpdateHousehold,
)
from anju.web.forms import CommandForm, DivisionPicker, RowForm, choice

KEEP = "留空则保持原值"


def _village() -> forms.CharField:
    return forms.CharField(label=_lazy("所在村"), required=False, widget=DivisionPicker(level=12))


class _ChangeForm(CommandForm):
    """A form that changes the record it is about (`instance`, also the verb's target): the
    command names only the fields the clerk changed, so a record is never rewritten with what
    it already holds, and nothing changed writes nothing."""

    KEPT: tuple[str, ...] = ()  # shown masked, never as initial values

    def __init__(self, data=None, files=None, *, instance, **kwargs):
        super().__init__(data, files, instance=instance, target=instance, **kwargs)

    def setup(self):
        for field in self.specs:
            if field not in self.KEPT and field != "version":
                self.initial.setdefault(field, getattr(self.instance, field))

    def command_data(self, values: dict) -> dict:
        changed = {name: self.cleaned_data.get(name) for name in self.changed_data
                   if name in self.specs and name != "version"}
        return {"version": values.get("version"), **changed}

    def act(self, cmd):
        if cmd.model_fields_set <= {"version"}:
            return self.instance
        return super().act(cmd)


class MemberForm(RowForm):
    noun = "第 {n} 位成员"
    member_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="姓名", max_length=40, required=False)
    relation = choice(Relation.choices, "与户主关系")
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(f) for f in ("name", "relation", "id_number"))


MemberFormSet = formset_factory(MemberForm, extra=0, can_delete=True)


class _HouseholdFields(CommandForm):
    """The household's page, its members a formset beside it (`members`)."""

    division_code = _village()

    def __init__(self, *args, members=None, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)

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
        # A member's number left empty keeps the one on the record: it is shown masked.
        existing = ({m.pk: m.id_number for m in self.instance.members.all()}
                    if self.instance is not None else {})
        out = []
        for form in self.member_rows():
            d = form.cleaned_data
            id_number = (d.get("id_number") or "").strip()
            if not id_number and d.get("member_id") in existing:
                id_number = existing[d["member_id"]]
            out.append({"name": (d.get("name") or "").strip(), "relation": d.get("relation"),
                        "id_number": id_number})
        return out


class HouseholdForm(_HouseholdFields):
    command = RegisterHousehold
    verb = actions.register_household

    def command_data(self, values):
        return {**values, "members": self.member_data()}


class HouseholdChangeForm(_HouseholdFields, _ChangeForm):
    command = UpdateHousehold
    verb = actions.update_household
    # Shown masked and kept unless retyped: the full number is never put into a page for a
    # role that may not see it.
    SENSITIVE = {"head_id_number": mask_id_number, "phone": mask_phone,
                 "bank_account": mask_account}
    KEPT = tuple(SENSITIVE)

    def setup(self):
        super().setup()
        for field, mask in self.SENSITIVE.items():
            current = getattr(self.instance, field)
            self.fields[field].widget.attrs["placeholder"] = (
                f"{mask(current)}（{KEEP}）" if current else "")

    def command_data(self, values):
        values = super().command_data(values)
        if self.members is not None and self.members.has_changed():
            values["members"] = self.member_data()
        return values


def member_formset(data=None, household=None) -> MemberFormSet:
    initial = []
    if household is not None:
        for m in household.members.all():
            initial.append({"member_id": m.pk, "name": m.name, "relation": m.relation})
    formset = MemberFormSet(data, initial=initial, prefix="members")
    formset.extra = 0 if initial else 1  # more rows are added on the page as needed
    if household is not None:
        masked = {m.pk: mask_id_number(m.id_number) for m in household.members.all()}
        for form in formset.forms:
            shown = masked.get(form.initial.get("member_id"))
            if shown:
                form.fields["id_number"].widget.attrs["placeholder"] = f"{shown}（{KEEP}）"
    return formset


class _HouseFields(CommandForm):
    household_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    division_code = _village()
    # The columns' precision, so the page steps and refuses as the record stores.
    floor_area = forms.DecimalField(label="建筑面积（㎡）", required=False, max_digits=8,
                                    decimal_places=2)
    lat = forms.DecimalField(label="纬度", required=False, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(label="经度", required=False, max_digits=9, decimal_places=6)
    priority_tags = forms.MultipleChoiceField(
        label="重点区域", choices=PriorityTag.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="学校、医院、市场周边等重点区域的房屋排在清单前面")


class HouseForm(_HouseFields):
    command = RegisterHouse
    verb = actions.register_house

    def setup(self):
        self.initial.setdefault("is_only_house", True)


class HouseChangeForm(_HouseFields, _ChangeForm):
    command = UpdateHouse
    verb = actions.update_house


class DemolitionForm(CommandForm):
    """R-CJ-8a, R-MH-11: the house (`instance`) is pulled down, with the date and evidence."""

    command = DemolishHouse
    verb = actions.demolish_house

    def __init__(self, data=None, files=None, *, instance, **kwargs):
        super().__init__(data, files, instance=instance, target=instance, **kwargs)


class ResponsiblePersonForm(RowForm):
    noun = "第 {n} 位责任人"
    person_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = choice(ResponsibleRole.choices, "责任类型")
    name = forms.CharField(label="姓名或单位", max_length=80, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    department = forms.CharField(label="部门", max_length=32, required=False)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(f) for f in ("role", "name", "phone",
                                                          "department"))


ResponsibleFormSet = formset_factory(ResponsiblePersonForm, extra=0, can_delete=True)


class ResponsiblePersonsForm(CommandForm):
    """Names the house's (`target`) responsible persons; the rows are a formset (prefix
    `persons`)."""

    command = SetResponsiblePersons
    verb = actions.set_responsible_persons

    def __init__(self, *args, persons, **kwargs):
        self.persons = persons
        super().__init__(*args, **kwargs)

    def subforms_valid(self):
        return self.persons.is_valid()

    def rows(self):
        return [f for f in self.persons.forms
                if not f.is_blank() and not f.cleaned_data.get("DELETE")]

    def row_forms(self, prefix):
        return self.rows() if prefix == "responsible_persons" else []

    def command_data(self, values):
        # A phone left empty keeps the one the person has: it is shown masked.
        phones = {p.pk: p.phone for p in self.target.responsible_persons.all()}
        rows = []
        for form in self.rows():
            row = {k: (form.cleaned_data.get(k) or "").strip()
                   for k in ("role", "name", "phone", "department")}
            if not row["phone"]:
                row["phone"] = phones.get(form.cleaned_data.get("person_id"), "")
            rows.append(row)
        return {**values, "responsible_persons": rows}


def responsible_formset(data, house) -> ResponsibleFormSet:
    people = list(house.responsible_persons.all())
    initial = [{"person_id": p.pk, "role": p.role, "name": p.name, "department": p.department}
               for p in people]
    formset = ResponsibleFormSet(data, initial=initial, prefix="persons")
    formset.extra = 0 if initial else 1
    masked = {p.pk: mask_phone(p.phone) for p in people if p.phone}
    for form in formset.forms:
        if shown := masked.get(form.initial.get("person_id")):
            form.fields["phone"].widget.attrs["placeholder"] = f"{shown}（{KEEP}）"
    return formset


class AttachmentForm(CommandForm):
    """A photo or scan onto the house's (`target`) file."""

    command = AttachFile
    kind = forms.ChoiceField(label="类型", choices=AttachmentKind.choices)
    file = forms.FileField(label="文件")

    def act(self, cmd):
        return actions.attach_file(self.target, cmd, upload=self.cleaned_data["file"],
                                   acting_user=self.user, origin=self.origin)
