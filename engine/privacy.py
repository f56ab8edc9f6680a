"""Direct identifiers, detected in one place: which column headers name one (such a
column never reaches the engine or the output: it is refused, or left out with
``--drop-identifiers``), and which values look like one (an e-mail address or a phone
number: refused as a case id, and withheld from every error message).

Values are compared after Unicode NFKC normalisation, so look-alikes count as what they
look like: a full-width at sign is an at sign, full-width digits are digits.
"""
from __future__ import annotations

import re
import unicodedata

# An e-mail address: something, an at sign, something (no top-level domain needed:
# "john.smith@x" identifies as well as any).
EMAIL_LIKE = re.compile(r"[^@\s]+@[^@\s]+")
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
    """The text as its characters look (NFKC), for matching identifier shapes."""
    return unicodedata.normalize("NFKC", text[:PROBE_LIMIT])


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
