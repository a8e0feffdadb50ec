from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "anju.field"
    verbose_name = "信息采集助手"

    def ready(self):
        # Every change of a house goes into the sequence that phones download by (ADR 0022),
        # in the changing transaction, through the one "records changed" event.
        from anju.field.sync import on_records_changed
        from anju.kit.events import listen

        listen("field sequence", on_records_changed)
