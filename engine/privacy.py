"""Direct identifiers, detected in one place: which column headers name one (such a
column never reaches the engine or the output: it is refused, or left out with
``--drop-identifiers``), and which values look like one (an e-mail address or a phone
number: refused as a case id, and withheld from every error message).

Values are compared after Unicode NFKC normalisation, so look-alikes count as what they
look like: a full-width at sign is an at sign, full-width digits are digits.
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, Iterable

# An e-mail address: something, an at sign, something (no top-level domain needed:
# "john.smith@x" identifies as well as any).
EMAIL_LIKE = re.compile(r"[^@\s]+\s*@\s*[^@\s]+")
# A phone number: seven digits in a row (a local number, or a zero-padded registry key,
# refused too), or nine or more digits with up to three separators between groups
# (spaces, dots, slashes, brackets, plus, hyphens and dashes), as numbers are written;
# "clinic-2024-0001" (eight digits) stays a valid id.
PHONE_SEPARATORS = r"\s().,/+\-\u2010-\u2015\u2212"
PHONE_LIKE = re.compile(rf"\d{{7,}}|\+?\d(?:[{PHONE_SEPARATORS}]{{0,3}}\d){{8,}}")
IDENTIFIER_VALUES: tuple[tuple[re.Pattern, str], ...] = (
    (EMAIL_LIKE, "contains no e-mail address"),
    (PHONE_LIKE, "contains no phone-number-like run of digits"),
)
PROBE_LIMIT = 200  # characters of a value searched: an identifier shows in its first ones


def normalised(text: str) -> str:
    """The text as its characters look: NFKC, and without invisible format characters
    (zero-width spaces, word joiners), for matching identifier shapes."""
    folded = unicodedata.normalize("NFKC", text[:PROBE_LIMIT])
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


WITHHELD = "(withheld: it looks like a direct identifier)"
ECHO_LIMIT = 40  # characters of a bad value shown back: enough to recognise it, never a whole cell
_LONG_INTEGER_BITS = 4 * ECHO_LIMIT  # beyond this an integer is described, never converted


IDENTIFIER_PATTERNS = tuple(pattern for pattern, _reason in IDENTIFIER_VALUES)


def shown(value: Any, patterns: Iterable[re.Pattern] = IDENTIFIER_PATTERNS, *,
          quoted: bool = False) -> Any:
    """A value as it may be echoed in any message or error row: withheld when it looks
    like a direct identifier (text, or a number that reads like a phone number), cut to a
    marked prefix when long, described when it is not plain JSON text or number.
    ``quoted``: text that is shown is shown in quotes (Python's repr), the marker outside."""
    patterns = tuple(patterns)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (list, dict)):  # described, never echoed: it may hold anything
        return f"(a JSON {'list' if isinstance(value, list) else 'object'} of {len(value)} item(s))"
    if isinstance(value, int):
        if value.bit_length() > _LONG_INTEGER_BITS:
            return f"(a whole number of more than {ECHO_LIMIT} digits)"
        return WITHHELD if _looks_like(str(value), patterns) else value
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)  # "nan", "inf": standard JSON has no such numbers
        return WITHHELD if _looks_like(repr(value), patterns) else value
    if not isinstance(value, str):  # a date, bytes, a decimal: may be a birth date or more
        return f"(a value of type {type(value).__name__}, not shown)"
    if not valid_unicode(value):
        return INVALID_TEXT
    # only what could be shown is searched, so a huge cell costs no more than a short one
    if _looks_like(value[:2 * ECHO_LIMIT], patterns) or _looks_like(value[-2 * ECHO_LIMIT:], patterns):
        return WITHHELD
    quote = repr if quoted else str
    if len(value) > ECHO_LIMIT:
        return f"{quote(value[:ECHO_LIMIT])}... ({len(value):,} characters)"
    return quote(value)


INVALID_TEXT = "(text holding an invalid character, not shown)"


def valid_unicode(text: str) -> bool:
    """Whether text can be written as UTF-8 (no unpaired surrogate, as a JSON escape such as
    \\udcff or an undecodable command-line byte leaves)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _looks_like(text: str, patterns: tuple[re.Pattern, ...]) -> bool:
    probe = normalised(text)
    return any(pattern.search(probe) for pattern in patterns)


def identifier_in_value(text: str) -> str | None:
    """Why ``text`` looks like it holds a direct identifier, or None."""
    probe = normalised(text)
    for pattern, reason in IDENTIFIER_VALUES:
        if pattern.search(probe):
            return reason
    return None


# Header words that are abbreviations of "number"; normalised before matching, so
# "Hospital No", "NI num" and "patient_id" read as hospitalnumber, ninumber, patientnumber.
NUMBER_WORDS = frozenset({"no", "num", "nbr", "nr", "number", "id", "ref"})

# Column headers that look like direct identifiers, matched on the header in lower case
# with "number" abbreviations spelled out and everything but letters and digits removed
# ("E-mail" -> "email").  Each pattern says why a column so named must not reach the
# engine or the output.
IDENTIFIER_COLUMNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"name$|^(sur|fore|given|family|first|last|full)name|^initials$"),
     "a person's name"),
    (re.compile(r"email|^mail"), "an e-mail address"),
    (re.compile(r"phone|mobile|^tel$|^telephone|^cell$|^fax$"), "a telephone number"),
    (re.compile(r"address|street|^city$|^town$|postcode|postalcode|^zip(code)?$"), "a postal address"),
    (re.compile(r"^dob$|birth|^born$"), "a date of birth"),
    (re.compile(r"nhs|^chi(number)?$|healthnumber|healthcard|medicare|medicaid"),
     "a health-service number"),
    (re.compile(r"^ssn$|socialsecurity|nationalinsurance|^ni(no|number)$|insurancenumber|passport"),
     "a social-security or national-insurance number"),
    (re.compile(r"^mrn$|medicalrecord|hospital(number)?$|hosp(ital)?number|patient(number)?$"
                r"|clientnumber|personnumber"),
     "a medical record or patient number"),
)


def identifier_reason(column: str) -> str | None:
    """Why a column header looks like a direct identifier, or None."""
    words = re.findall(r"[a-z0-9]+", normalised(str(column)).lower())
    compact = "".join("number" if word in NUMBER_WORDS else word for word in words)
    for pattern, reason in IDENTIFIER_COLUMNS:
        if pattern.search(compact):
            return reason
    return None
