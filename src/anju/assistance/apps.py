from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "anju.assistance"
    label = "assistance"
    verbose_name = "住房安全保障"

    def audit_words(self) -> dict:
        """The audit log's words for the codes this app writes in its events' details."""
        from anju.assistance.codes import Action, FundAction

        return {**dict(FundAction.choices), **dict(Action.choices),
                "certify": "认定低收入群体", "lapse": "认定失效", "on": "日期",
                "register_craftsman": "登记工匠", "register_contractor": "登记施工单位",
                "household": "农户编号"}
