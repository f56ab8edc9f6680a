"""Direct identifiers: which column headers look like one, so such a column never reaches
the engine or the output (it is refused, or left out with ``--drop-identifiers``)."""
from __future__ import annotations

import re

# Column headers that look like direct identifiers, matched on the header in lower case
# with everything but letters and digits removed ("E-mail" -> "email").  Each pattern
# says why a column so named must not reach the engine or the output.
IDENTIFIER_COLUMNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"name$|^(sur|fore|given|family|first|last|full)name|^initials$"),
     "a person's name"),
    (re.compile(r"email|^mail"), "an e-mail address"),
    (re.compile(r"phone|mobile|^tel$|^telephone|^cell$|^fax$"), "a telephone number"),
    (re.compile(r"address|street|^city$|^town$|postcode|postalcode|^zip(code)?$"), "a postal address"),
    (re.compile(r"^dob$|birth|^born$"), "a date of birth"),
    (re.compile(r"nhs|^chi(number)?$|healthnumber|healthcard|medicare|medicaid"),
     "a health-service number"),
    (re.compile(r"^ssn$|socialsecurity|nationalinsurance|^nino$|insurancenumber|passport"),
     "a social-security or national-insurance number"),
    (re.compile(r"^mrn$|medicalrecord|hospitalnumber|patientnumber"), "a medical record number"),
)


def identifier_reason(column: str) -> str | None:
    """Why ``column`` looks like a direct identifier, or None."""
    compact = re.sub(r"[^a-z0-9]", "", str(column).lower())
    for pattern, reason in IDENTIFIER_COLUMNS:
        if pattern.search(compact):
            return reason
    return None
