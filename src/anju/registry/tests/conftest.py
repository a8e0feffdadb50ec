
from anju.conftest import SHANCHENG_V1, valid_id_number


def household_body(**fields) -> dict:
    head_id = valid_id_number("19700512")
    return {
        "division_code": SHANCHENG_V1, "head_name": "李春生", "head_id_number": head_id,
        "phone": "13912345678", "persons": 2,
        "members": [{"name": "李春生", "id_number": head_id, "relation": "head"},
                    {"name": "张秀兰", "id_number": valid_id_number("19720304"),
                     "relation": "spouse"}],
        "bank_account": "6217000011112222", "bank_name": "梅河口农商银行", **fields,
    }


def house_body(**fields) -> dict:
    return {
        "division_code": SHANCHENG_V1, "address": "山城镇演示一村 8 号",
        "structure": "masonry_cast", "floors": 1, "built_year": 1992, "floor_area": 86.5,
        "use": "residence", "occupancy": "occupied", **fields,
    }


def bad_checksum(id_number: str) -> str:
    wrong = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + wrong
