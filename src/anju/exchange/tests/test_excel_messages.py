"""What Excel and the tools around it do to a sheet, told to the clerk as its cause and its
fix: a title above the header, formulas saved without their values, long numbers kept as
numbers. The workbooks are made by openpyxl, which saves formulas uncalculated."""

import io
import zipfile

import openpyxl
import pytest

from anju.conftest import SHANCHENG_V1, valid_id_number
from anju.exchange.models import Job
from anju.exchange.tests.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db

HEADER = ["division_code", "head_name", "head_id_number", "persons", "members"]


def workbook(rows, build=lambda sheet: None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    build(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def checked(client, content: bytes, name: str = "户.xlsx") -> dict:
    response = upload(client, "households", content, name=name, dry_run="true")
    assert response.status_code == 202, response.content
    return client.get(f"/api/v1/jobs/{response.json()['job_id']}").json()


def errors_of(body) -> list[tuple]:
    return [(e["row"], e["field"], e["code"], e["message"]) for e in body["errors"]]


def test_a_merged_title_row_above_the_header_is_named_with_its_fix(api, cast):
    content = workbook([["山城镇一村农户花名册"], HEADER,
                        [SHANCHENG_V1, "王大山", valid_id_number(), 3, ""]],
                       lambda sheet: sheet.merge_cells("A1:E1"))
    response = upload(api(cast.shancheng), "households", content)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("title_row", "file")
    assert error["message"] == ("第1行（山城镇一村农户花名册）是合并的标题行，不是列名："
                                "请删除标题行，使第1行为列名（与导入模板一致）")
    assert Job.objects.count() == 0


def test_a_title_lower_in_the_sheet_is_named_by_its_own_row(api, cast):
    content = workbook([[], [], ["2026年农户名单"], HEADER])
    error = upload(api(cast.shancheng), "households", content).json()["error"]
    assert error["code"] == "title_row"
    assert error["message"].startswith("第3行（2026年农户名单）是标题行，不是列名：请删除标题行")


def test_rows_keep_their_numbers_when_the_sheet_starts_lower(api, cast):
    # The header in row 3, from column B: a bad row 5 is reported as row 5.
    content = workbook([[], [], [None, *HEADER],
                        [None, SHANCHENG_V1, "王大山", valid_id_number(), 3, ""],
                        [None, SHANCHENG_V1, "李四", valid_id_number(), 31, ""]])
    body = checked(api(cast.shancheng), content)
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (5, "persons", "persons_out_of_range")]


def test_formulas_saved_without_their_values_name_the_cell_and_the_fix(api, cast):
    def formulas(sheet):
        sheet["B3"] = '=CONCATENATE("王","大山")'
        sheet["D3"] = "=1+2"

    content = workbook([HEADER, [SHANCHENG_V1, "刘长河", valid_id_number(), 3, ""],
                        [SHANCHENG_V1, None, valid_id_number(), None, ""]], formulas)
    body = checked(api(cast.shancheng), content)
    assert errors_of(body) == [
        (3, "head_name", "formula_not_calculated",
         "户主姓名（单元格 B3）是公式且未保存计算结果：请在 Excel 中打开并保存，"
         "或复制后“选择性粘贴”为数值"),
        (3, "persons", "formula_not_calculated",
         "家庭人口（单元格 D3）是公式且未保存计算结果：请在 Excel 中打开并保存，"
         "或复制后“选择性粘贴”为数值")]


def test_a_formula_with_its_value_saved_is_read_as_the_value(tmp_path):
    from anju.exchange.reading import open_table

    content = workbook([HEADER, [SHANCHENG_V1, "王大山", valid_id_number(), 3, ""]])
    # As Excel saves it: the formula and its last result.
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>3</v>" in data
                data = data.replace(b"<v>3</v>", b"<f>1+2</f><v>3</v>")
            target.writestr(item, data)
    assert list(open_table(path).rows())[0][1][3] == 3


def test_an_id_number_excel_kept_as_a_number_names_the_cause_and_the_fix(api, cast):
    content = workbook([HEADER, [SHANCHENG_V1, "王大山", 220581198001010017, 3, ""]])
    body = checked(api(cast.shancheng), content)
    assert errors_of(body) == [
        (2, "head_id_number", "digits_lost",
         "户主身份证号被 Excel 存成了数字（显示为 2.20581E+17），末几位已丢失："
         "请将该列设为文本格式后重新输入")]


def test_id_numbers_in_a_csv_saved_by_excel_as_1e17_name_the_cause_and_the_fix(api, cast):
    # Excel writes a number cell to CSV as it shows it.
    content = csv_bytes(HEADER + ["bank_account"], [
        [SHANCHENG_V1, "王大山", "2.20581E+17", 3, "", ""],
        [SHANCHENG_V1, "刘长河", valid_id_number(), 2, "李秀兰,2.20581E+17,配偶",
         "6.217E+15"]])
    body = checked(api(cast.shancheng), content, name="户.csv")
    assert errors_of(body) == [
        (2, "head_id_number", "digits_lost",
         "户主身份证号被 Excel 存成了数字（显示为 2.20581E+17），末几位已丢失："
         "请将该列设为文本格式后重新输入"),
        (3, "members", "digits_lost",
         "第 1 位家庭成员的身份证号被 Excel 存成了数字（显示为 2.20581E+17），末几位已丢失："
         "请将该列设为文本格式后重新输入"),
        (3, "bank_account", "digits_lost",
         "一卡通账号被 Excel 存成了数字（显示为 6.217E+15），末几位已丢失："
         "请将该列设为文本格式后重新输入")]
