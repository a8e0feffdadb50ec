"""Records that copy their house's or household's village into `division_code`, the column
the doors scope by, say so with a `village_copy` class attribute; a move rewrites every copy in
the moving transaction (registry.moving), so that the new village reads them and the old one
no longer does. Rows that say where something happened (the audit log, where a notice was
posted, the phones' change sequence) are not copies and carry none."""

from dataclasses import dataclass


@dataclass(frozen=True)
class VillageCopy:
    house: str = ""  # lookup from a row to its house's id
    household: str = ""  # lookup to its household's id, used where the row has no house
