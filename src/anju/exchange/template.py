"""The downloadable import templates: the columns (Chinese title and JSON name), the code
lists, and how to fill them in; written by the ledger's streaming writer."""

from anju.exchange.columns import code_lists
from anju.exchange.importers import IMPORTERS
from anju.kit.xlsx import stream_workbook

SHEET_TITLES = {"households": "农户", "houses": "房屋"}
_GENERAL = (
    ("表头", "", "", "第一行是表头：可用本模板的列名，也可只写中文列名或字段名（JSON 名）；"
                     "列的顺序不限，带 * 的列必须有，多余的列会被忽略"),
    ("行号", "", "", "错误报告中的行号即文件中的行号，表头是第 1 行"),
    ("工作表", "", "", "只读取第一个工作表；“代码表”和本说明不会被导入"),
    ("检查", "", "", "建议先“只检查不写入”（dry_run=true）；默认全部正确才写入，"
                     "也可选择只写入正确的行"),
    ("重复", "", "", "与已登记户主身份证号相同、或同村户主姓名和电话相同的农户不会被重复登记"),
)


def template_xlsx(resource: str):
    """The template's bytes, chunk by chunk."""
    columns = IMPORTERS[resource].columns
    header = [(c.heading, max(12, len(c.heading) * 2)) for c in columns]
    codes = [("列名", 16), ("字段", 18), ("代码", 20), ("含义", 30)]
    notes = [("列名", 16), ("字段", 18), ("必填", 6), ("填写说明", 80)]
    explained = [(c.title, c.name, "是" if c.required else "", c.note) for c in columns]
    return stream_workbook([
        (SHEET_TITLES[resource], header, []),
        ("代码表", codes, code_lists(columns)),
        ("填写说明", notes, [*explained, *_GENERAL]),
    ])
