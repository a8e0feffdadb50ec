"""Where an act came from, for its audit row: the channel (a page, the API, the field app, an
import, a management command, the system's own sweep) and, over HTTP, the client's address and
the path. Verbs take an Origin instead of the HTTP request, so the domain never sees one."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    channel: str = "system"  # page, api, field, import, command, system
    address: str | None = None
    path: str = ""
    method: str = ""


SYSTEM = Origin()
COMMAND = Origin("command")
IMPORT = Origin("import")
