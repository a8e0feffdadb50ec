import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.kit.errors import AnjuError
from anju.reports import national
from anju.reports.figures import BY_NAME


class Command(BaseCommand):
    help = ("合并各省汇总文件为全国数（docs/national-rollup.md）：逐个校验格式、摘要和上下级之和；"
            "同一省份报送多次时以最新一份为准，不重复计数")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="各省用 rollup_export 导出的文件")
        parser.add_argument("--output", "-o", help="写入全国数的 JSON 文件；不给时输出到屏幕")

    def handle(self, *args, files, output, **options):
        documents = []
        for name in files:
            try:
                documents.append(national.loads(Path(name).read_text(encoding="utf-8-sig")))
            except OSError as error:
                raise CommandError(f"无法读取 {name}：{error.strerror}") from None
            except AnjuError as error:
                raise CommandError(f"{name}：{error.message}（{error.code}）") from None
        try:
            merged = national.merge_provinces(documents)
        except AnjuError as error:
            raise CommandError(f"{error.message}（{error.code}）") from None
        text = json.dumps(merged, ensure_ascii=False, indent=1) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        Path(output).write_text(text, encoding="utf-8")
        for item in merged["replaced"]:
            self.stdout.write(f"{item['province']} 报送了更新的汇总，{item['as_of']} 的一份不计")
        figures = merged["figures"]
        self.stdout.write(f"全国：{len(merged['provinces'])} 个省份，"
                          f"{BY_NAME['houses'].label} {figures['houses']:,}，"
                          f"{BY_NAME['red_alerts'].label} {figures['red_alerts']:,} → {output}")
