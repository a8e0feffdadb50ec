"""How a sensitive number shows to a role that does not need it whole (ADR 0005): lists,
exports and pages mask ID, bank/一卡通 account and phone numbers with these."""


def mask_id_number(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else value


def mask_account(value: str) -> str:
    return "****" + value[-4:] if value else value


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else value
