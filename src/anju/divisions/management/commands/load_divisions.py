from django.core.management.base import BaseCommand

from anju.divisions.loader import load_divisions


class Command(BaseCommand):
    help = "载入全国行政区划（省、地、县、乡四级），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("prefixes", nargs="*", help="只载入这些代码前缀（及其上级）")

    def handle(self, *args, prefixes, **options):
        created, renamed = load_divisions(tuple(prefixes))
        self.stdout.write(f"区划：新增 {created} 条，更名 {renamed} 条")
