"""SAMHSA's National Directory of Mental Health Treatment Facilities, as records for the directory's writer.

SAMHSA publishes the directory every year as an Excel workbook (the data behind FindTreatment.gov): one row
per facility in "Facilities List" (name1, name2, street1, street2, city, state, zip, phone, intake1, intake2,
intake1a, intake2a, service_code_info) and, in "Service Code Reference", what each code means (category_code,
category_name, service_code, service_name, service_description). `service_code_info` lists a facility's
codes, grouped by category and separated by " * ".

Codes are mapped by what the reference sheet says they are, never by how they look: a facility's code is
looked up in the sheet, and the (category, service name) found there is looked up in MEANINGS below. ("IPT"
is "Individual psychotherapy" there, not interpersonal therapy; "CFT" is couples and family therapy, not
compassion-focused therapy; "SH" is supported housing.) A code whose meaning has no place in this directory
is left out and counted. Decision 012 explains each choice.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from directory.geo import locate
from directory.models import CRISIS_FIELDS, PAYMENT_FIELDS, Provider
from directory.writer import LocationRecord, Problem, ProviderRecord, ProviderWriter

FEED = "samhsa"
PREFIX = "samhsa:"
SOURCE = "SAMHSA National Directory of Mental Health Treatment Facilities, {edition}"
FACILITIES_SHEET, REFERENCE_SHEET = "Facilities List", "Service Code Reference"
COLUMNS = [
    "name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "intake2", "intake1a",
    "intake2a", "service_code_info",
]  # fmt: skip
PHONE_LETTERS = {letter: digit for digit, letters in {
    "2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS", "8": "TUV", "9": "WXYZ"
}.items() for letter in letters}  # fmt: skip


def meaning(*actions):
    return list(actions)


# What each service of the reference sheet means in this directory, by its category code and its name as the
# sheet spells it (compared without case and extra spaces). Each action: (what, value).
MEANINGS = {
    # Type of care
    ("TC", "mental health treatment"): meaning(),
    ("TC", "substance use treatment"): meaning(("issue", "Substance use")),
    (
        "TC",
        "treatment for co-occurring substance use plus either serious mental health illness in adults/serious "
        "emotional disturbance in children",
    ): meaning(("issue", "Co-occurring mental health and substance use")),
    # Settings: our levels of care
    ("SET", "outpatient"): meaning(("level", "outpatient")),
    ("SET", "partial hospitalization/day treatment"): meaning(("level", "partial-hospitalization")),
    ("SET", "residential/24-hour residential"): meaning(("level", "residential")),
    ("SET", "hospital inpatient/24-hour hospital inpatient"): meaning(("level", "inpatient")),
    # Treatment approaches: our therapies where they truly match, the rest shown as text
    ("TAP", "dialectical behavior therapy"): meaning(("therapy", "dbt")),
    ("TAP", "cognitive behavioral therapy"): meaning(("therapy", "cbt")),
    ("TAP", "couples/family therapy"): meaning(("therapy", "family-therapy")),
    ("TAP", "group therapy"): meaning(("therapy", "group-therapy")),
    ("TAP", "eye movement desensitization and reprocessing therapy"): meaning(("therapy", "trauma-focused-therapy")),
    ("TAP", "telemedicine/telehealth therapy"): meaning(("telehealth", True)),
    ("TAP", "individual psychotherapy"): meaning(("treatment", "Individual psychotherapy")),
    ("TAP", "activity therapy"): meaning(("treatment", "Activity therapy")),
    ("TAP", "cognitive remediation therapy"): meaning(("treatment", "Cognitive remediation therapy")),
    ("TAP", "integrated mental and substance use disorder treatment"): meaning(
        ("treatment", "Integrated mental health and substance use treatment")
    ),
    ("TAP", "electroconvulsive therapy"): meaning(("treatment", "Electroconvulsive therapy (ECT)")),
    ("TAP", "ketamine infusion therapy"): meaning(("treatment", "Ketamine infusion therapy")),
    ("TAP", "transcranial magnetic stimulation"): meaning(("treatment", "Transcranial magnetic stimulation (TMS)")),
    # Emergency mental health services: the crisis filter, and the profile
    ("EMS", "psychiatric emergency walk-in services"): meaning(("field", CRISIS_FIELDS["walk-in"])),
    ("EMS", "psychiatric emergency mobile/off-site services"): meaning(("field", CRISIS_FIELDS["mobile"])),
    ("EMS", "psychiatric emergency onsite services"): meaning(("field", CRISIS_FIELDS["onsite"])),
    ("EMS", "crisis intervention team"): meaning(("field", "crisis_intervention_team")),
    ("AS", "suicide prevention services"): meaning(("field", "suicide_prevention")),
    # Payment
    ("PAY", "medicaid"): meaning(("field", PAYMENT_FIELDS["medicaid"])),
    ("PAY", "medicare"): meaning(("field", PAYMENT_FIELDS["medicare"])),
    ("PAY", "private health insurance"): meaning(("field", PAYMENT_FIELDS["private_insurance"])),
    ("PAY", "cash or self-payment"): meaning(("field", PAYMENT_FIELDS["self_pay"])),
    ("PAY", "federal military insurance (e.g., tricare)"): meaning(
        ("field", PAYMENT_FIELDS["tricare"]), ("insurer", "TRICARE")
    ),
    ("PYAS", "sliding fee scale (fee is based on income and other factors)"): meaning(
        ("field", PAYMENT_FIELDS["sliding_scale"])
    ),
    # Ages
    ("AGE", "children/adolescents"): meaning(("field", "serves_children"), ("field", "serves_teens")),
    ("AGE", "young adults"): meaning(("field", "serves_adults")),
    ("AGE", "adults"): meaning(("field", "serves_adults")),
    ("AGE", "seniors"): meaning(("field", "serves_older_adults")),
    # Languages (English is assumed: the directory lists US facilities that serve in English)
    ("SL", "spanish"): meaning(("language", "Spanish")),
    ("SL", "sign language services for the deaf and hard of hearing"): meaning(("language", "ASL")),
    ("SL", "american indian or alaska native languages"): meaning(
        ("language", "American Indian or Alaska Native languages")
    ),
    ("OL", "any chinese language"): meaning(("language", "Chinese")),
    # Special programs and groups: the people a program is for, and the issues it treats
    ("SG", "young adults"): meaning(("population", "Young adults")),
    ("SG", "seniors or older adults"): meaning(("population", "Older adults")),
    ("SG", "lesbian, gay, bisexual, transgender, or queer/questioning (lgbtq)"): meaning(
        ("population", "LGBTQIA+ affirming")
    ),
    ("SG", "veterans"): meaning(("population", "Veterans")),
    ("SG", "active duty military"): meaning(("population", "Active duty military")),
    ("SG", "members of military families"): meaning(("population", "Military families")),
    ("SG", "criminal justice (other than dui/dwi)/forensic clients"): meaning(
        ("population", "People involved with the justice system")
    ),
    ("SG", "clients with hiv or aids"): meaning(("population", "People with HIV or AIDS")),
    ("SG", "clients with co-occurring mental and substance use disorders"): meaning(
        ("issue", "Co-occurring mental health and substance use")
    ),
    ("SG", "clients who have experienced intimate partner violence, domestic violence"): meaning(
        ("issue", "Domestic violence")
    ),
    ("SG", "clients who have experienced trauma"): meaning(("issue", "Trauma and PTSD")),
    ("SG", "persons with post-traumatic stress disorder (ptsd)"): meaning(("issue", "Trauma and PTSD")),
    ("SG", "persons with traumatic brain injury (tbi)"): meaning(("issue", "Traumatic brain injury")),
    ("SG", "persons with alzheimer's or dementia"): meaning(("issue", "Dementia")),
    ("SG", "persons with eating disorders"): meaning(("issue", "Eating disorders")),
    ("SG", "persons experiencing first-episode psychosis"): meaning(("issue", "First-episode psychosis")),
    ("SG", "children/adolescents with serious emotional disturbance (sed)"): meaning(
        ("issue", "Serious emotional disturbance")
    ),
    ("SG", "persons 18 and older with serious mental illness (smi)"): meaning(("issue", "Serious mental illness")),
}
# The listing's relation each kind of action adds a term to.
RELATION_OF = {
    "level": "levels",
    "therapy": "therapies",
    "issue": "specialties",
    "population": "populations",
    "language": "languages",
    "insurer": "insurers",
}
# Whole categories whose every service is shown as it is named: the facility's type and who runs it.
NAMED_AS_IS = {"FT": "facility_type", "FOP": "operator"}
# Other languages (OL) are named as the sheet names them ("Arabic", "Hmong"), except where MEANINGS says.
LANGUAGE_CATEGORY = "OL"


@dataclass
class Reference:
    """The reference sheet: each service code's category and name."""

    services: dict = field(default_factory=dict)

    def meaning_of(self, code):
        """(category code, name as the sheet spells it, actions) for a service code, or None if the sheet lacks it."""
        if code not in self.services:
            return None
        category, name = self.services[code]
        key = (category, " ".join(name.split()).lower())
        if key in MEANINGS:
            return category, name, MEANINGS[key]
        if category in NAMED_AS_IS:
            return category, name, [(NAMED_AS_IS[category], " ".join(name.split()))]
        if category == LANGUAGE_CATEGORY:
            return category, name, [("language", " ".join(name.split()))]
        return category, name, []


@dataclass
class Directory:
    edition: int
    as_of: date
    reference: Reference
    rows: list  # (row number, {column: text})
    # (category, name) of codes with no place in this directory, and how many facilities had each.
    unmapped: Counter = field(default_factory=Counter)


class WorkbookError(ValueError):
    """The file is not SAMHSA's directory workbook."""


def read_workbook(path, edition=None, as_of=None):
    """The workbook's facilities and code reference. `edition` defaults to the year in the file's name, else
    the year it was written; `as_of` (the listings' last verification) to the date the workbook was written."""
    import openpyxl

    path = Path(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a handful of unrelated types for a file that is not a workbook
        raise WorkbookError(f"not an Excel workbook ({error})") from None
    try:
        for sheet in (FACILITIES_SHEET, REFERENCE_SHEET):
            if sheet not in workbook.sheetnames:
                raise WorkbookError(f"no sheet named {sheet!r} (found {', '.join(workbook.sheetnames)})")
        reference = Reference()
        reference_rows = workbook[REFERENCE_SHEET].iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(reference_rows)]
        for cells in reference_rows:
            row = dict(zip(header, (str(cell or "").strip() for cell in cells), strict=False))
            if row.get("service_code"):
                reference.services[row["service_code"]] = (row.get("category_code", ""), row.get("service_name", ""))
        facility_rows = workbook[FACILITIES_SHEET].iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(facility_rows)]
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise WorkbookError(f"the {FACILITIES_SHEET!r} sheet has no column {', '.join(missing)}")
        rows = [
            (number, dict(zip(header, (str(cell).strip() if cell is not None else "" for cell in cells), strict=False)))
            for number, cells in enumerate(facility_rows, start=2)
            if any(cell is not None and str(cell).strip() for cell in cells)
        ]
        written = workbook.properties.created
    finally:
        workbook.close()
    year = re.search(r"(20\d\d)", path.name)
    edition = edition or (int(year.group(1)) if year else written.year if written else date.today().year)
    as_of = as_of or (written.date() if written and written.year == edition else date(edition, 1, 1))
    return Directory(edition, as_of, reference, rows)


def phone_digits(text):
    """A phone number as digits: letters of vanity numbers (800-KIDSDOC) read off a phone's keypad."""
    number = text.upper().split("X")[0]
    return "".join(PHONE_LETTERS.get(character, character) for character in number if character.isalnum())


def spelled_phone(text):
    """A number as readers dial it: 334-951-4357, with any extension kept (334-503-7819 x47801)."""
    digits = phone_digits(text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    extension = re.search(r"x\s*(\d+)\s*$", text, re.IGNORECASE)
    spelled = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{spelled} x{extension.group(1)}" if extension else spelled


def facility_id(row):
    """A facility's id across editions: SAMHSA gives none, so its name and street address, as a hash. (Not its
    ZIP code: a row whose ZIP cannot be used is still the same facility, and must not count as gone.)"""
    parts = [row["name1"], row["name2"], row["street1"], row["street2"], row["city"], row["state"]]
    key = "|".join(" ".join(part.lower().split()) for part in parts)
    return PREFIX + hashlib.sha256(key.encode()).hexdigest()[:20]


def records(directory):
    """(records, problems, listed): one ProviderRecord per usable facility row, why each other row was left
    out, and the ids of every facility the edition lists, usable or not (none of those is withdrawn)."""
    source = SOURCE.format(edition=directory.edition)
    found, problems, listed, seen = [], [], set(), Counter()
    for number, row in directory.rows:
        record, row_problems = facility_record(directory, number, row, source)
        # The same name at the same address more than once (two programs at one site): told apart by order.
        seen[record.external_id] += 1
        if seen[record.external_id] > 1:
            record.external_id += f"-{seen[record.external_id]}"
            for location in record.locations:
                location.external_id = f"{record.external_id}@1"
        listed.add(record.external_id)
        if row_problems:
            problems += row_problems
        else:
            found.append(record)
    return found, problems, listed


def facility_record(directory, number, row, source):
    label, problems = f"row {number}", []

    def fail(column, message):
        problems.append(Problem(label, column, message))

    name = row["name1"] if not row["name2"] else f"{row['name1']}: {row['name2']}"
    zip_code = row["zip"][:5]
    place = locate(zip_code) if re.fullmatch(r"\d{5}", zip_code) else None
    if place is None:
        fail("zip", f"{row['zip']!r} is not a ZIP code we can place")
    phone = spelled_phone(row["phone"]) if row["phone"] else ""
    if phone is None:
        fail("phone", f"{row['phone']!r} is not a 10-digit phone number")
    intake = []
    for column in ("intake1", "intake2", "intake1a", "intake2a"):
        number_text = spelled_phone(row[column]) if row[column] else None
        # The "a" columns often spell an intake number in letters: the same number, once.
        if number_text and number_text != phone and phone_digits(number_text) not in map(phone_digits, intake):
            intake.append(number_text)
    values = {
        "kind": Provider.Kind.PROGRAM,
        "name": name,
        "description": "",
        "phone": phone or "",
        "intake_phones": "; ".join(intake),
        "source": source,
        "last_verified": directory.as_of,
        "in_person": True,
        "telehealth": False,
        "telehealth_states": "",
        "accepting_new_clients": None,
        "is_sample": False,
        **{name: False for name in MAPPED_FIELDS},
        "facility_type": "",
        "operator": "",
        "other_treatments": "",
    }
    terms = {
        "therapies": [],
        "levels": [],
        "specialties": [],
        "populations": [],
        "languages": ["English"],
        "insurers": [],
    }
    treatments = []
    for code in row["service_code_info"].replace("*", " ").split():
        found = directory.reference.meaning_of(code)
        if found is None:
            fail("service_code_info", f"code {code!r} is not in the Service Code Reference sheet")
            continue
        category, service_name, actions = found
        if not actions:
            directory.unmapped[(category, service_name)] += 1
        for action, value in actions:
            if action == "field":
                values[value] = True
            elif action == "telehealth":
                values["telehealth"] = True
            elif action in ("facility_type", "operator"):
                values[action] = values[action] or value
            elif action == "treatment":
                treatments.append(value)
            else:
                relation = {
                    "level": "levels",
                    "therapy": "therapies",
                    "issue": "specialties",
                    "population": "populations",
                    "language": "languages",
                    "insurer": "insurers",
                }[action]
                terms[relation].append(value)
    if values["telehealth"]:
        values["telehealth_states"] = row["state"]  # licensed where it is: the directory does not say more
    values["other_treatments"] = "; ".join(dict.fromkeys(treatments))
    terms = {relation: list(dict.fromkeys(names)) for relation, names in terms.items()}
    street = row["street1"] if not row["street2"] else f"{row['street1']}, {row['street2']}"
    external_id = facility_id(row)
    locations = []
    if place is not None:
        locations.append(
            LocationRecord(
                external_id=f"{external_id}@1",
                street=street,
                city=row["city"],
                state=row["state"].upper(),
                zip_code=zip_code,
                latitude=place.latitude,
                longitude=place.longitude,
                approximate=True,
            )
        )
    return ProviderRecord(label, external_id, values, terms, locations), problems


# The yes/no fields the meanings set; every facility starts with each of them off.
MAPPED_FIELDS = sorted({value for actions in MEANINGS.values() for action, value in actions if action == "field"})


def import_samhsa(path, dry_run=False, edition=None, as_of=None, progress=lambda items: items):
    """Read a workbook and hand its facilities to the writer: published at once (a public source), updated
    where they changed, withdrawn where a later edition no longer lists them, moderators' edits kept."""
    directory = read_workbook(path, edition, as_of)
    found, problems, listed = records(directory)
    writer = ProviderWriter(
        FEED,
        new_status=Provider.Status.PUBLISHED,
        full=True,
        change_reason=f"SAMHSA National Directory, {directory.edition} edition",
    )
    result = writer.write(found, dry_run=dry_run, progress=progress, listed=listed)
    result.problems = problems + result.problems
    result.skipped = len({problem.label for problem in result.problems})
    return directory, result


# The edition a newcomer's `make run` loads; a deployment loads the newest one (README, "Real listings").
BUNDLED = Path(__file__).resolve().parent / "data" / "samhsa" / "National_Directory_MH_Facilities_2022.xlsx"


def load_bundled_directory(progress=lambda items: items):
    """Import the bundled edition unless its listings are already there: returns the result, or None."""
    source = SOURCE.format(edition=int(re.search(r"(20\d\d)", BUNDLED.name).group(1)))
    if Provider.objects.filter(feed=FEED, source=source).exists():
        return None
    return import_samhsa(BUNDLED, progress=progress)[1]
