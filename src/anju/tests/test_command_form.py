"""CommandForm: a page form generated from an act's command. Validating it only reads; saving
it keeps the uploads on the household's file and runs the verb with the typed command, in one
transaction, each error beside the field it names."""

import io
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils.datastructures import MultiValueDict
from pydantic import BaseModel, Field

from anju.kit.commands import Command, Ui
from anju.kit.errors import Code, Forbidden, RuleViolation, ValidationErrors
from anju.kit.fields import Id, free_text
from anju.registry.models import Attachment
from anju.web.forms import BLANK, CommandForm, MultipleFileField

pytestmark = pytest.mark.django_db


class Colour(models.TextChoices):
    RED = "red", "红"
    BLUE = "blue", "蓝"
    GREEN = "green", "绿"


class Row(BaseModel):
    name: str


class Paint(Command):
    on: Annotated[date | None, Ui("日期")] = None
    passed: Annotated[bool, Ui("结论", widget="radio", choices=("合格", "不合格"))]
    fenced: Annotated[bool, Ui("设围挡")] = False
    colour: Annotated[Literal["red", "blue"], Ui("颜色", choices=Colour, missing="请选颜色")]
    count: Annotated[int | None, Ui("件数"), Field(ge=1)] = None
    cost: Annotated[Decimal, Ui("费用（元）"), Field(ge=0, max_digits=7, decimal_places=2)] = \
        Decimal("0")
    note: Annotated[free_text(10, "说明"), Ui("说明", widget="textarea", help="十字以内")] = ""
    wall_id: Annotated[Id | None, Ui("墙")] = None
    photo_id: Annotated[Id | None, Ui("照片", upload="one", kind="photo", title="油漆照片")] = \
        None
    scan_ids: Annotated[list[Id], Ui("扫描件", upload="many")] = []
    rows: list[Row] = []
    alias: Annotated[Id | None, Ui(page=False)] = None
    version: int | None = None


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def upload(name="照片.png"):
    return SimpleUploadedFile(name, png(), content_type="image/png")


class Calls(list):
    def verb(self, target, cmd, *, acting_user, origin=None):
        self.append((target, cmd, acting_user, origin))
        if cmd.note == "refuse":
            raise ValidationErrors([
                RuleViolation(Code.FIELD_REQUIRED, "须上传照片", field="photo_id"),
                RuleViolation(Code.CONFLICT, "版本冲突", field="version"),
                RuleViolation(Code.INVALID_VALUE, "第一行有误", field="rows[0].name")])
        if cmd.note == "forbid":
            raise Forbidden("无权办理")
        return "done"


@pytest.fixture
def household(make_household, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_household()


def paint_form(calls, household, user, data=None, files=None, **kwargs):
    class PaintForm(CommandForm):
        command = Paint

        def setup(self):
            self.fields["wall_id"].choices = BLANK + [(7, "东墙")]

        def files_owner(self):
            return {"household": household}

        def act(self, cmd):
            return calls.verb(household, cmd, acting_user=self.user, origin=self.origin)

        def row_forms(self, prefix):
            return [self.row] if prefix == "rows" else []

        def command_data(self, values):
            self.row = forms.Form()
            self.row.fields["name"] = forms.CharField(required=False)
            self.row.cleaned_data = {}
            return {**values, "rows": [{"name": "甲"}]}

    return PaintForm(data, MultiValueDict(files or {}), user=user, origin="here", **kwargs)


def test_the_fields_follow_the_command(cast, household):
    form = paint_form(Calls(), household, cast.cadre)
    f = form.fields
    assert list(f) == ["on", "passed", "fenced", "colour", "count", "cost", "note", "wall_id",
                       "photo_id", "scan_ids", "version"]
    assert f["on"].widget.input_type == "date" and f["on"].label == "日期"
    assert isinstance(f["passed"].widget, forms.RadioSelect)
    assert f["passed"].choices == [("yes", "合格"), ("no", "不合格")]
    assert isinstance(f["fenced"], forms.BooleanField)
    assert f["colour"].choices == BLANK + [("red", "红"), ("blue", "蓝")]
    assert isinstance(f["count"], forms.IntegerField) and f["count"].min_value == 1
    assert isinstance(f["cost"], forms.DecimalField) and f["cost"].max_digits == 7
    assert isinstance(f["note"].widget, forms.Textarea) and f["note"].help_text == "十字以内"
    assert f["wall_id"].choices == BLANK + [(7, "东墙")]
    assert isinstance(f["photo_id"], forms.FileField)
    assert isinstance(f["scan_ids"], MultipleFileField)
    assert f["version"].widget.is_hidden
    assert not any(field.required for field in f.values())
    assert f["note"].max_length == 10 and type(form).base_fields["note"].label == "说明"


def test_validating_reads_only_and_says_what_is_missing_beside_its_field(cast, household):
    calls = Calls()
    form = paint_form(calls, household, cast.cadre,
                      {"count": "0", "note": "十一个字的说明文字啊啊"}, {"photo_id": [upload()]})
    assert not form.is_valid()
    assert form.errors["passed"] == ["请选择结论"]
    assert form.errors["colour"] == ["请选颜色"]
    assert len(form.errors["count"]) == 1 and "1" in form.errors["count"][0]
    assert len(form.errors["note"]) == 1 and "10" in form.errors["note"][0]
    assert "photo_id" not in form.errors  # a chosen file stands for its id
    assert not form.save()
    assert calls == [] and not Attachment.objects.exists()


def test_saving_keeps_the_files_and_runs_the_verb_with_the_typed_command(cast, household):
    calls = Calls()
    form = paint_form(calls, household, cast.cadre, {
        "on": "2024-05-06", "passed": "no", "colour": "red", "cost": "12.50", "wall_id": "7",
        "fenced": "on"}, {"photo_id": [upload()], "scan_ids": [upload("a.png"), upload("b.png")]})
    assert form.is_valid(), form.errors
    assert calls == [] and not Attachment.objects.exists()
    assert form.save() and form.saved == "done"
    target, cmd, user, origin = calls[0]
    assert (target, user, origin) == (household, cast.cadre, "here")
    assert (cmd.on, cmd.passed, cmd.fenced, cmd.colour, cmd.cost, cmd.wall_id) == (
        date(2024, 5, 6), False, True, "red", Decimal("12.50"), 7)
    photo = Attachment.objects.get(pk=cmd.photo_id)
    assert (photo.kind, photo.title, photo.household) == ("photo", "油漆照片", household)
    assert [a.title for a in Attachment.objects.filter(pk__in=cmd.scan_ids)] == ["扫描件"] * 2
    assert cmd.rows == [Row(name="甲")]


def test_a_refused_act_keeps_no_file_and_puts_each_error_in_its_place(cast, household,
                                                                      tmp_path):
    calls = Calls()
    form = paint_form(calls, household, cast.cadre, {
        "passed": "yes", "colour": "blue", "note": "refuse"}, {"photo_id": [upload()]})
    assert form.is_valid()
    assert not form.save()
    assert form.errors["photo_id"] == ["须上传照片"]
    assert form.row.errors["name"] == ["第一行有误"]
    assert form.non_field_errors() == ["版本冲突", "第一行有误"]  # hidden field, row error
    assert not Attachment.objects.exists()
    assert not list((tmp_path / "media").rglob("*.png"))


def test_a_wrong_role_is_raised_not_shown(cast, household):
    form = paint_form(Calls(), household, cast.cadre, {
        "passed": "yes", "colour": "blue", "note": "forbid"}, {"photo_id": [upload()]})
    assert form.is_valid()
    with pytest.raises(Forbidden):
        form.save()
    assert not Attachment.objects.exists()


def test_a_form_of_a_record_needs_its_version(cast, household):
    form = paint_form(Calls(), household, cast.cadre, {"passed": "yes", "colour": "red"},
                      instance=household)
    assert form.is_valid() and not form.save()
    assert form.non_field_errors() == ["缺少版本号，请刷新页面后重试"]
    assert paint_form(Calls(), household, cast.cadre, instance=household).initial[
        "version"] == household.version


def test_a_verb_on_the_class_is_called_with_target_command_user_and_origin(cast, household):
    seen = []

    def verb(target, cmd, *, acting_user, origin=None):
        seen.append((target, cmd.colour, acting_user, origin))
        return target

    class Simple(CommandForm):
        command = Paint
        exclude = ("photo_id", "scan_ids")

    Simple.verb = verb
    form = Simple({"passed": "yes", "colour": "red"}, user=cast.cadre, target=household,
                  origin="o")
    assert "photo_id" not in form.fields
    assert form.submitted() and form.saved == household
    assert seen == [(household, "red", cast.cadre, "o")]
