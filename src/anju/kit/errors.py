"""The one error type every domain verb raises; the API and the pages render it.

Each error has a stable machine code from `Code` (one code per failure, whatever app meets
it), a Chinese message for people, the field it is about and the rule id of docs/domain.md it
enforces, as the API contract asks. A code not in `Code` is refused when the error is made.
"""

from dataclasses import dataclass
from enum import StrEnum


class Code(StrEnum):
    """Every error code of the API and the pages (api.md: stable snake_case)."""

    ACCEPTANCE_BEFORE_COMPLETION = "acceptance_before_completion"
    ACCEPTANCE_MEMBERS_MISSING = "acceptance_members_missing"
    ACCEPTANCE_NOT_ALLOWED = "acceptance_not_allowed"
    ACCEPTANCE_REPORT_REQUIRED = "acceptance_report_required"
    ACCEPTANCE_REQUIRED = "acceptance_required"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_MISSING = "account_missing"
    AGREEMENT_MISSING = "agreement_missing"
    AGREEMENT_SCAN_REQUIRED = "agreement_scan_required"
    ALREADY_DECIDED = "already_decided"
    ALREADY_LAPSED = "already_lapsed"
    APPLICATION_EXISTS = "application_exists"
    APPLICATION_NOT_OF_HOUSEHOLD = "application_not_of_household"
    APPROVAL_REQUIRED = "approval_required"
    ARCHIVE_INCOMPLETE = "archive_incomplete"
    ARCHIVE_ITEM_CHECKED = "archive_item_checked"
    ARCHIVE_ITEM_NOT_RETURNED = "archive_item_not_returned"
    ARCHIVE_SAMPLE_EMPTY = "archive_sample_empty"
    AREA_ABOVE_STANDARD = "area_above_standard"
    AREA_BELOW_STANDARD = "area_below_standard"
    AREA_REASON_REQUIRED = "area_reason_required"
    ATTACHMENT_NOT_FOUND = "attachment_not_found"
    AUXILIARY_ABOVE_STANDARD = "auxiliary_above_standard"
    BACKUP_CORRUPTED = "backup_corrupted"
    BACKUP_TARGET_EXISTS = "backup_target_exists"
    BACKUP_UNREADABLE = "backup_unreadable"
    BAD_AFTER = "bad_after"
    BAD_REQUEST = "bad_request"
    BANK_ACCOUNT_INVALID = "bank_account_invalid"
    BEARER_REQUIRED = "bearer_required"
    BUILDER_MISSING = "builder_missing"
    BUSINESS_REOPEN_NOT_ALLOWED = "business_reopen_not_allowed"
    BUILT_YEAR_IN_FUTURE = "built_year_in_future"
    BUILT_YEAR_OUT_OF_RANGE = "built_year_out_of_range"
    CANNOT_CHANGE_SELF = "cannot_change_self"
    CASH_NOT_REQUESTED = "cash_not_requested"
    CHECK_BEFORE_ENTRY = "check_before_entry"
    CHOICE_INVALID = "choice_invalid"
    CITY_CHECK_REQUIRED = "city_check_required"
    CLIENT_UUID_REUSED = "client_uuid_reused"
    COLOR_STEEL_NOT_ALLOWED = "color_steel_not_allowed"
    COLUMN_MISSING = "column_missing"
    COLUMNS_DUPLICATE = "columns_duplicate"
    COLUMNS_MISSING = "columns_missing"
    COMPONENT_MISSING = "component_missing"
    COMPONENT_RATING_INVALID = "component_rating_invalid"
    COMPONENT_UNKNOWN = "component_unknown"
    CONFLICT = "conflict"
    CONFLICT_DISMISSED = "conflict_dismissed"
    CONSTRUCTION_REQUIRED = "construction_required"
    CONTRACTOR_EXISTS = "contractor_exists"
    CONTRACTOR_NOT_QUALIFIED = "contractor_not_qualified"
    COORDINATES_INCOMPLETE = "coordinates_incomplete"
    COORDINATES_OUT_OF_RANGE = "coordinates_out_of_range"
    COORDINATES_OUTSIDE_COUNTY = "coordinates_outside_county"
    COUNT_INVALID = "count_invalid"
    CRAFTSMAN_CERTIFICATE_EXPIRED = "craftsman_certificate_expired"
    CRAFTSMAN_EXISTS = "craftsman_exists"
    CRAFTSMAN_NOT_CERTIFIED = "craftsman_not_certified"
    DATE_IN_FUTURE = "date_in_future"
    DATE_INVALID = "date_invalid"
    DATE_IN_PAST = "date_in_past"
    DATE_OUT_OF_ORDER = "date_out_of_order"
    DATE_TOO_EARLY = "date_too_early"
    DEPARTMENT_INVALID = "department_invalid"
    DEPARTMENT_RECORDED = "department_recorded"
    DESIGN_MISSING = "design_missing"
    DIFFERENCE_DECIDED = "difference_decided"
    DIFFERENCE_NOT_ACCEPTABLE = "difference_not_acceptable"
    DIGITS_LOST = "digits_lost"
    DISBURSEMENT_AMOUNT_MISMATCH = "disbursement_amount_mismatch"
    DISBURSEMENT_CASE_INVALID = "disbursement_case_invalid"
    DIVISION_INVALID = "division_invalid"
    DIVISION_NOT_COUNTY = "division_not_county"
    DIVISION_OUT_OF_SCOPE = "division_out_of_scope"
    DIVISION_UNKNOWN = "division_unknown"
    EARLIER_CASE_SECURED = "earlier_case_secured"
    ENTRY_CLOSED = "entry_closed"
    ERROR = "error"
    EVIDENCE_NOT_ACCEPTED = "evidence_not_accepted"
    EVIDENCE_NOT_OF_ACT = "evidence_not_of_act"
    EVIDENCE_REQUIRED = "evidence_required"
    EVIDENCE_USED = "evidence_used"
    EXPORT_TOO_LARGE = "export_too_large"
    FIELD_DUPLICATE = "field_duplicate"
    FIELD_NOT_ALLOWED = "field_not_allowed"
    FIELD_REQUIRED = "field_required"
    FILE_EMPTY = "file_empty"
    FILE_GONE = "file_gone"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_INVALID = "file_type_invalid"
    FINAL_ACCOUNT_REQUIRED = "final_account_required"
    FINDINGS_REQUIRED = "findings_required"
    FLOOR_AREA_OUT_OF_RANGE = "floor_area_out_of_range"
    FLOORS_OUT_OF_RANGE = "floors_out_of_range"
    FORBIDDEN = "forbidden"
    FORMAT_INVALID = "format_invalid"
    FORMULA_NOT_CALCULATED = "formula_not_calculated"
    FUNDS_NOT_TRANSFERRED = "funds_not_transferred"
    GRADE_INCONSISTENT = "grade_inconsistent"
    HOST_HOUSE_NOT_APPRAISED = "host_house_not_appraised"
    HOST_HOUSE_UNSAFE = "host_house_unsafe"
    HOST_RENOVATION_NOT_NEEDED = "host_renovation_not_needed"
    HOUSE_DEMOLISHED = "house_demolished"
    HOUSE_IN_PROGRAMME = "house_in_programme"
    HOUSE_NOT_OF_HOUSEHOLD = "house_not_of_household"
    HOUSE_ON_LEDGER = "house_on_ledger"
    HOUSEHOLD_ELSEWHERE = "household_elsewhere"
    HEAD_DUPLICATE = "head_duplicate"
    HEAD_MISMATCH = "head_mismatch"
    ID_NUMBER_DUPLICATE = "id_number_duplicate"
    ID_NUMBER_INVALID = "id_number_invalid"
    IMPORT_NOT_TAKEN_BACK = "import_not_taken_back"
    IMPORT_WORKERS_FAILED = "import_workers_failed"
    INTEGER_INVALID = "integer_invalid"
    INTERNAL_ERROR = "internal_error"
    INVALID_CHARACTER = "invalid_character"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_VALUE = "invalid_value"
    ITEM_KIND_UNKNOWN = "item_kind_unknown"
    ITEM_LEVEL_MISMATCH = "item_level_mismatch"
    JOB_RIGHTS_CHANGED = "job_rights_changed"
    LAYOUT_INVALID = "layout_invalid"
    LEASE_TOO_SHORT = "lease_too_short"
    LOOKBACK_HOUSE_NOT_LISTED = "lookback_house_not_listed"
    MALFORMED_JSON = "malformed_json"
    MALFORMED_MULTIPART = "malformed_multipart"
    MEASURE_BEFORE_APPRAISAL = "measure_before_appraisal"
    MEMBERS_INVALID = "members_invalid"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    METHOD_NOT_BUILDING = "method_not_building"
    MINUTES_REQUIRED = "minutes_required"
    MODE_INVALID = "mode_invalid"
    NOT_ALONE_ELDERLY = "not_alone_elderly"
    NOT_RENTAL = "not_rental"
    NO_HOUSES = "no_houses"
    NO_NEW_DWELLING = "no_new_dwelling"
    NO_NEW_HOUSE = "no_new_house"
    NO_OLD_HOUSE = "no_old_house"
    NO_OPEN_OBJECTION = "no_open_objection"
    NO_RETENTION = "no_retention"
    NOT_A_CONFLICT = "not_a_conflict"
    NOT_A_DIFFERENCE = "not_a_difference"
    NOT_APPROVED = "not_approved"
    NOT_BUILDING = "not_building"
    NOT_CERTIFIED = "not_certified"
    NOT_ELIGIBLE = "not_eligible"
    NOT_FOUND = "not_found"
    NOT_ON_LEDGER = "not_on_ledger"
    NOTHING_COMPARED = "nothing_compared"
    NOTICE_PERIOD_RUNNING = "notice_period_running"
    NOTICE_REQUIRED = "notice_required"
    NOTICE_TOO_SHORT = "notice_too_short"
    NUMBER_INVALID = "number_invalid"
    NUMBER_OUT_OF_RANGE = "number_out_of_range"
    OBJECTION_OPEN = "objection_open"
    OBJECTION_RESOLVED = "objection_resolved"
    OBSERVED_INVALID = "observed_invalid"
    OLD_HOUSE_NOT_DEMOLISHED = "old_house_not_demolished"
    OLD_HOUSE_NOT_SECURED = "old_house_not_secured"
    OTP_INVALID = "otp_invalid"
    OTP_REQUIRED = "otp_required"
    PAPER_COPY_FILED = "paper_copy_filed"
    PASSWORD_CONTAINS_USERNAME = "password_contains_username"
    PASSWORD_INCORRECT = "password_incorrect"
    PASSWORD_TOO_COMMON = "password_too_common"
    PASSWORD_TOO_SIMPLE = "password_too_simple"
    PASSWORD_UNCHANGED = "password_unchanged"
    PASSWORD_WEAK = "password_weak"
    PAYMENT_ABOVE_APPROVED = "payment_above_approved"
    PAYMENT_NOT_IN_FULL = "payment_not_in_full"
    PERIOD_INVALID = "period_invalid"
    PER_TOWNSHIP_OUT_OF_RANGE = "per_township_out_of_range"
    PERSONS_FEWER_THAN_MEMBERS = "persons_fewer_than_members"
    PERSONS_OUT_OF_RANGE = "persons_out_of_range"
    PHONE_INVALID = "phone_invalid"
    PHOTO_HASH_MISMATCH = "photo_hash_mismatch"
    PHOTO_NOT_FOUND = "photo_not_found"
    PHOTOS_REQUIRED = "photos_required"
    PLAN_HOUSE_NOT_ELIGIBLE = "plan_house_not_eligible"
    PLAN_ROW_REMOVED = "plan_row_removed"
    PROGRAMME_NOT_OF_REGION = "programme_not_of_region"
    PROFILE_VALUE_UNKNOWN = "profile_value_unknown"
    PUBLICITY_INCOMPLETE = "publicity_incomplete"
    REASON_REQUIRED = "reason_required"
    REMINDER_NOT_FAILED = "reminder_not_failed"
    RENT_YEAR_BEYOND_LEASE = "rent_year_beyond_lease"
    RENT_YEAR_RECORDED = "rent_year_recorded"
    REINFORCEMENT_PARTS_MISSING = "reinforcement_parts_missing"
    REPAIR_COSMETIC_ONLY = "repair_cosmetic_only"
    REQUEST_TOO_LARGE = "request_too_large"
    RESTORE_TARGET_NOT_EMPTY = "restore_target_not_empty"
    RETENTION_NOT_ALLOWED = "retention_not_allowed"
    REVEAL_NOT_ALLOWED = "reveal_not_allowed"
    REVIEW_REQUIRED = "review_required"
    ROLE_INVALID = "role_invalid"
    ROLLUP_DIGEST_MISMATCH = "rollup_digest_mismatch"
    ROLLUP_PROVINCE_TWICE = "rollup_province_twice"
    ROLLUP_SUMS_MISMATCH = "rollup_sums_mismatch"
    ROSTER_PERSON_LISTED = "roster_person_listed"
    ROWS_INVALID = "rows_invalid"
    RURAL_FORM_NOT_ALLOWED = "rural_form_not_allowed"
    SEED_INVALID = "seed_invalid"
    SEISMIC_ITEM_REQUIRED = "seismic_item_required"
    SIGNOFF_BEFORE_ACCEPTANCE = "signoff_before_acceptance"
    SIGNOFF_NOT_ALLOWED = "signoff_not_allowed"
    STAGE_INSPECTION_MISSING = "stage_inspection_missing"
    STORAGE_FULL = "storage_full"
    SUBSIDY_ABOVE_CAP = "subsidy_above_cap"
    SUPPORTED_BEFORE = "supported_before"
    SUMMARY_ALREADY_SUBMITTED = "summary_already_submitted"
    SUMMARY_EXISTS = "summary_exists"
    TEXT_TOO_LONG = "text_too_long"
    TITLE_ROW = "title_row"
    TOO_MANY_REQUESTS = "too_many_requests"
    TOO_MANY_ROWS = "too_many_rows"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    UNAUTHORIZED = "unauthorized"
    UNKNOWN_ACTION = "unknown_action"
    UNSAFE_SITE = "unsafe_site"
    UNSUPPORTED_FILE = "unsupported_file"
    UPLOAD_NOT_OPEN = "upload_not_open"
    URBAN_REPORT_NOT_ALLOWED = "urban_report_not_allowed"
    URBAN_REPORT_REQUIRED = "urban_report_required"
    USERNAME_TAKEN = "username_taken"
    VERSION_CONFLICT = "version_conflict"
    VILLAGE_AMBIGUOUS = "village_ambiguous"
    WAIVER_AGREEMENT_REQUIRED = "waiver_agreement_required"
    WAIVER_IMAGES_REQUIRED = "waiver_images_required"
    WAIVER_LETTER_REQUIRED = "waiver_letter_required"
    WAIVER_PROOF_REQUIRED = "waiver_proof_required"
    WARRANTY_RUNNING = "warranty_running"
    WINDOW_CASE_RESOLVED = "window_case_resolved"
    WRONG_DEPARTMENT = "wrong_department"
    YES_NO_INVALID = "yes_no_invalid"


@dataclass(frozen=True)
class Unmet:
    """A rule a pure rules.py function found not met; the verb raises it as the error its
    place calls for (a RuleViolation, a Conflict)."""

    code: Code
    rule: str
    field: str
    message: str


class AnjuError(Exception):
    status = 422
    # Written to the audit log as access_denied by the API's error handler or the pages'
    # middleware.
    refusal = False

    def __init__(self, code: Code | str, message: str, *, field: str | None = None,
                 rule: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code = Code(code)
        self.message = message
        self.field = field
        self.rule = rule
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field,
                "rule": self.rule}


class RuleViolation(AnjuError):
    """422: the input breaks a policy or data rule."""

    status = 422


class Malformed(AnjuError):
    """400: the request cannot be read."""

    status = 400


class NotFound(AnjuError):
    """404: absent, or outside the caller's division scope (never told apart in the answer).
    `obj` is the record that exists beyond the caller's reach, for the audit row of the
    attempt (see divisions.scope.not_found)."""

    status = 404

    def __init__(self, message: str = "记录不存在或不在您的管辖范围内", *,
                 field: str | None = None, obj=None):
        super().__init__(Code.NOT_FOUND, message, field=field)
        self.obj = obj

    @property
    def refusal(self) -> bool:
        return self.obj is not None


class Forbidden(AnjuError):
    """403: in scope, but the caller's role may not do this."""

    status = 403
    refusal = True

    def __init__(self, message: str = "您的角色无权执行此操作", *, code: Code = Code.FORBIDDEN,
                 rule: str | None = None, obj=None):
        super().__init__(code, message, rule=rule)
        self.obj = obj  # the record refused, for the audit row of the refusal


class Conflict(AnjuError):
    """409: the record changed under the caller, or its state does not allow the action."""

    status = 409


def version_conflict() -> Conflict:
    return Conflict(Code.VERSION_CONFLICT, "记录已被他人修改，请刷新后重试", field="version")


class ValidationErrors(RuleViolation):
    """Several field errors at once (forms and imports show them all); the first leads."""

    def __init__(self, errors: list[AnjuError]):
        first = errors[0]
        super().__init__(first.code, first.message, field=first.field, rule=first.rule)
        self.errors = errors


def raise_if(errors: list[AnjuError]) -> None:
    """Raise the field errors a verb collected, all at once (forms and imports show them all)."""
    if errors:
        raise ValidationErrors(errors)
