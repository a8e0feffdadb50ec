"""Who may do what: the capability table, and the decorators every page and route wears.

A capability is granted to roles (optionally only in some departments). Every view and API
operation declares one with `@requires(...)` or `@public`; a test walks all routes and fails
on any that declares neither. Scope (which records) is separate: see divisions.scope.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login

from anju.accounts.models import Department, Role
from anju.kit.errors import Forbidden

ALL_ROLES = frozenset(Role.values)
# 三员分立: the system, security and audit administrators run the system and watch it; none
# of them sees household data (a test checks every capability below).
ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
OFFICIALS = ALL_ROLES - ADMINISTRATORS
CASE_DEPARTMENTS = frozenset({
    Department.HOUSING, Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION,
    Department.FINANCE,
})

# capability -> (roles, departments or None for any department)
CAPABILITIES: dict[str, tuple[frozenset, frozenset | None]] = {
    "divisions.view": (ALL_ROLES, None),
    "registry.view": (OFFICIALS, None),
    "registry.edit": (
        frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE}),
        None,
    ),
    # Photos and scans on a house's file: also the appraisers who photograph its components.
    "registry.attach": (
        frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE,
                   Role.APPRAISER}),
        None,
    ),
    # Full ID, phone and account numbers: the county departments that certify, approve and pay.
    "registry.reveal": (frozenset({Role.COUNTY_OFFICER}), CASE_DEPARTMENTS),
    # Users, roles and scopes: the system administrator; the security administrator sees the
    # list to unlock accounts, reset second factors and passwords, and revoke tokens.
    "accounts.manage": (frozenset({Role.ADMIN}), None),
    "accounts.view": (frozenset({Role.ADMIN, Role.SECURITY_ADMIN}), None),
    "accounts.security": (frozenset({Role.SECURITY_ADMIN}), None),
    "accounts.self": (ALL_ROLES, None),  # one's own password and second factor
    "audit.view": (frozenset({Role.AUDIT_ADMIN}), None),
    # Inspections and screenings at every level (domain.md §2).
    "appraisal.inspect": (
        frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE,
                   Role.APPRAISER}),
        None,
    ),
    # A grade comes only from technical staff: appraisers and the county housing department.
    "appraisal.appraise": (frozenset({Role.APPRAISER, Role.COUNTY_OFFICER}),
                           frozenset({Department.HOUSING}) | {""}),
    "quality.view": (OFFICIALS, None),
    # 点对点核实比对, 面对面抽查 and 举一反三 are the county's (and prefecture's) checks.
    "quality.verify": (frozenset({Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER}),
                       None),
    # The rectification ledger (R-CJ-4..10, docs/decisions/0013): every official reads it
    # (sector departments their own sector's houses); the township and village record the
    # measures and checks; acceptance is organised by the township with the county's
    # technical staff; 销号 (and undoing it) is the county housing department's.
    "rectification.view": (OFFICIALS, None),
    "rectification.record": (
        frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE}), None),
    "rectification.accept": (frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER}),
                             frozenset({Department.HOUSING, Department.TOWNSHIP_GOVERNMENT})),
    "rectification.sign_off": (frozenset({Role.COUNTY_OFFICER}),
                               frozenset({Department.HOUSING})),
    # Housing security (R-MH-1..15, docs/decisions/0020): every official reads the cases;
    # the certifying departments certify (the category's own department, R-MH-1); the village
    # records applications, its review and notices; the township reviews, builds, accepts;
    # the three departments approve, each its own decision; finance pays; the county housing
    # department (危改办) checks acceptance reports and closes the archive.
    "assistance.view": (OFFICIALS, None),
    "assistance.certify": (frozenset({Role.COUNTY_OFFICER}), None),
    # Applications, notices and the case's documents: the village and township, and the county
    # departments of the case (never a sector department such as health or education).
    "assistance.apply": (
        frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE}),
        CASE_DEPARTMENTS | {Department.TOWNSHIP_GOVERNMENT, ""}),
    "assistance.review": (frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER}),
                          frozenset({Department.HOUSING, Department.TOWNSHIP_GOVERNMENT})),
    "assistance.approve": (frozenset({Role.COUNTY_OFFICER}), None),
    "assistance.build": (frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER}),
                         frozenset({Department.HOUSING, Department.TOWNSHIP_GOVERNMENT})),
    "assistance.pay": (frozenset({Role.COUNTY_OFFICER}), frozenset({Department.FINANCE})),
    "assistance.supervise": (frozenset({Role.COUNTY_OFFICER}),
                             frozenset({Department.HOUSING})),
    # 六、责任分工: each department records its own part on a case (planning approval and
    # title; safe drinking water; the power connection).
    "assistance.natural_resources": (frozenset({Role.COUNTY_OFFICER}),
                                     frozenset({Department.NATURAL_RESOURCES})),
    "assistance.water": (frozenset({Role.COUNTY_OFFICER}), frozenset({Department.WATER})),
    "assistance.power": (frozenset({Role.COUNTY_OFFICER}), frozenset({Department.POWER})),
    # Data exchange (docs/decisions/0021): who may edit the register may import into it (each
    # row through the registry's rules and scope); every official may export what they may
    # read (full numbers only with registry.reveal) and follow their own jobs.
    "exchange.import": (
        frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE}), None),
    "exchange.export": (OFFICIALS, None),
    "exchange.jobs": (OFFICIALS, None),
    # Statistics, dashboards and the map (anju.reports): counts and lists for every official.
    "reports.view": (OFFICIALS, None),
    # The field app (信息采集助手, docs/decisions/0022): download one's houses and send
    # captures, each also needing the capability of the verb that applies it; conflicts are
    # settled by the township and the county.
    "field.sync": (frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE,
                              Role.APPRAISER}), None),
    "field.review": (frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER}), None),
    # Evidence from the house (docs/decisions/0048): whoever photographs a house's file records
    # a capture; a township or county supervisor accepts a flagged one, with a reason.
    "evidence.view": (OFFICIALS, None),
    "evidence.capture": (frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER,
                                    Role.VILLAGE_CADRE, Role.APPRAISER}), None),
    "evidence.accept": (frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER}), None),
    # Supervision (domain.md R-CJ-9, §6): every official reads the programme plan, the
    # look-back and the work summaries; the county keeps its plan, opens its look-back and
    # writes its summary (townships record the revisits with appraisal.inspect).
    "supervision.view": (OFFICIALS, None),
    "supervision.county": (frozenset({Role.COUNTY_OFFICER}), None),
    # The monthly roster cycle (以人找房, N4, docs/decisions/0034): the certifying departments
    # load their lists of newly identified and removed people (R-MH-1); every official follows
    # the rows, the township and county the late ones.
    "roster.load": (frozenset({Role.COUNTY_OFFICER}),
                    frozenset({Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION})),
    "roster.view": (OFFICIALS, None),
    # Reminders (docs/decisions/0047): every official reads their own; the system
    # administrator watches the outbox's delivery (never the text) and retries a failure.
    "reminders.inbox": (OFFICIALS, None),
    "reminders.outbox": (frozenset({Role.ADMIN}), None),
}


def can(user, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles, departments = CAPABILITIES[capability]
    return user.role in roles and (departments is None or user.department in departments)


def check(user, capability: str) -> None:
    if not can(user, capability):
        raise Forbidden()


def requires(capability: str):
    """Guard a Django view or an API operation with a capability."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                # API operations authenticate before they get here; pages go to the login.
                return redirect_to_login(request.get_full_path())
            check(request.user, capability)
            return view(request, *args, **kwargs)

        guarded.access_rule = capability
        return guarded

    return decorate


def public(view):
    """Mark a view that anybody may open (login, health check)."""
    view.access_rule = "public"
    return view
