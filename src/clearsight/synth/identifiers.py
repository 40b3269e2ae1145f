"""Identifiers that look real but point at nobody: NHS test-range numbers, Ofcom drama
phone numbers, example.* email domains, random vehicle marks and postcodes."""

from __future__ import annotations

import random
import string

from clearsight.standard.types import nhs_check_digit
from clearsight.synth.pools import AreaGeo

# Postcode inward letters never use C, I, K, M, O or V.
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
# Registration letters avoid I, Q and Z, as the DVLA does for most positions.
_VRM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.co.uk")
_STRIDE_NHS = 7919  # coprime with 10**6: walks every 6-digit suffix once, in a scattered order
_STRIDE_PHONE = 104729  # coprime with 5 * 10**8


def nhs_valid(number: str) -> bool:
    return len(number) == 10 and number.isdigit() and nhs_check_digit(number[:9]) == int(number[9])


class Issuer:
    """Hands out unique identifiers for one run, across all areas."""

    def __init__(self) -> None:
        self._nhs = 0
        self._phone = 0
        self._email = 0
        self._landline: dict[str, int] = {}

    def nhs(self) -> str:
        # 999 numbers are the NHS test range; past a million people the run moves on to
        # 998 and below, still never issued in the synthetic world to anyone real.
        while True:
            i = self._nhs
            self._nhs += 1
            prefix = 999 - i // 1_000_000
            first_nine = f"{prefix}{(i * _STRIDE_NHS) % 1_000_000:06d}"
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"

    def mobile(self) -> str:
        """A UK mobile as 11 digits; the first thousand are Ofcom's drama range."""
        i = self._phone
        self._phone += 1
        if i < 1000:
            return f"07700900{i:03d}"
        return f"07{400_000_000 + (i * _STRIDE_PHONE) % 500_000_000}"

    def landline(self, geo: AreaGeo) -> str:
        i = self._landline.get(geo.code, 0)
        self._landline[geo.code] = i + 1
        code, _, block = geo.landline.partition(" ")
        if code == "01632":
            return f"01632{960000 + i % 1000:06d}"
        return f"{code}{block}{i % 1000:04d}"

    def email(self, forename: str, surname: str, rnd: random.Random) -> str:
        self._email += 1
        local = "".join(ch for ch in f"{forename}.{surname}".lower() if ch.isalnum() or ch == ".")
        domain = _EMAIL_DOMAINS[self._email % len(_EMAIL_DOMAINS)]
        return f"{local}{self._email % 1000}@{domain}"


def postcode(geo: AreaGeo, rnd: random.Random) -> tuple[str, str]:
    """A canonical postcode in the area and its post town."""
    district = geo.districts[rnd.randrange(len(geo.districts))]
    number = rnd.randint(district.low, district.high)
    inward = f"{rnd.randrange(10)}{rnd.choice(_INWARD)}{rnd.choice(_INWARD)}"
    return f"{district.prefix}{number} {inward}", district.town


def vehicle_mark(rnd: random.Random) -> str:
    """A current-style mark, "AB12 CDE"."""
    age = rnd.choice((rnd.randint(51, 74), rnd.randint(2, 24)))
    first = rnd.choice(_VRM_LETTERS) + rnd.choice(_VRM_LETTERS)
    last = "".join(rnd.choice(_VRM_LETTERS) for _ in range(3))
    return f"{first}{age:02d} {last}"


def handle(rnd: random.Random) -> str:
    return "".join(rnd.choice(string.ascii_lowercase) for _ in range(6)) + str(rnd.randrange(100))
