"""Property tests for the value types' cleaners."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearsight.standard.types import (
    TYPES,
    Date,
    Name,
    NHSNumber,
    PartialDate,
    Phone,
    Postcode,
    VehicleMark,
    nhs_check_digit,
    parse_phone,
)

postcode_parts = st.tuples(
    st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=2),
    st.integers(0, 9),
    st.one_of(st.just(""), st.sampled_from(string.ascii_uppercase + string.digits)),
    st.integers(0, 9),
    st.text(alphabet="ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
)


@given(postcode_parts, st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_postcode_any_case_or_spacing_gives_canonical_form(
    parts: tuple[str, int, str, int, str], gap: str, lower: bool
) -> None:
    area, district, sub, sector, unit = parts
    outward, inward = f"{area}{district}{sub}", f"{sector}{unit}"
    raw = f" {outward}{gap}{inward} "
    cleaned = Postcode().clean(raw.lower() if lower else raw)
    assert cleaned == f"{outward} {inward}"
    assert Postcode().clean(cleaned) == cleaned


@given(st.text(max_size=12))
def test_postcode_clean_is_idempotent_or_none(raw: str) -> None:
    cleaned = Postcode().clean(raw)
    if cleaned is not None:
        assert Postcode().clean(cleaned) == cleaned
        assert Postcode().validate(raw) is None
    else:
        assert Postcode().validate(raw) is not None


mobile = st.text(alphabet=string.digits, min_size=9, max_size=9).map(lambda d: "7" + d)


@given(
    mobile,
    st.sampled_from(["0{n}", "+44{n}", "44{n}", "0044{n}", "+44 (0){n}", "{n}"]),
    st.sampled_from(["", " ", "-", "."]),
)
def test_phone_fast_path_agrees_with_phonenumbers(number: str, form: str, sep: str) -> None:
    spaced = sep.join([number[:4], number[4:]]) if sep else number
    raw = form.format(n=spaced)
    assert Phone().clean(raw) == parse_phone(raw)


@given(st.text(alphabet=string.digits + " +()-", max_size=16))
def test_phone_clean_is_e164_or_none(raw: str) -> None:
    cleaned = Phone().clean(raw)
    if cleaned is not None:
        assert cleaned.startswith("+") and cleaned[1:].isdigit()
        assert Phone().clean(cleaned) == cleaned


@given(st.text(alphabet=string.digits, min_size=9, max_size=9))
def test_nhs_number_valid_check_digit_accepted_and_any_change_rejected(first: str) -> None:
    check = nhs_check_digit(first)
    if check is None:
        assert all(NHSNumber().clean(first + str(d)) is None for d in range(10))
        return
    number = first + str(check)
    assert NHSNumber().clean(f"{number[:3]} {number[3:6]} {number[6:]}") == number
    wrong = first + str((check + 1) % 10)
    assert NHSNumber().clean(wrong) is None


def test_nhs_number_known_example() -> None:
    assert NHSNumber().clean("943 476 5919") == "9434765919"
    assert NHSNumber().clean("9434765918") is None
    assert "check digit" in (NHSNumber().validate("9434765918") or "")


@given(st.dates())
def test_dates_round_trip_and_partial_forms(day: object) -> None:
    iso = str(day)
    if not 1880 <= int(iso[:4]) <= 2100:
        assert Date().clean(iso) is None
        return
    assert Date().clean(iso) == iso
    assert Date().clean(iso + "T10:30:00Z") == iso
    assert PartialDate().clean(iso) == iso
    assert PartialDate().clean(iso[:7]) == iso[:7]
    assert PartialDate().clean(iso[:4]) == iso[:4]


def test_impossible_dates_are_rejected() -> None:
    for raw in ("2024-02-30", "2024-13", "24-01-01", "31/02/2024", "2024-1-1", "1950-43-06"):
        assert Date().clean(raw) is None
    for raw in ("24-01-01", "31/02/2024", "2024-1-1", "1850-01-01", "2024-02-30T10:00"):
        assert PartialDate().clean(raw) is None


@pytest.mark.parametrize(
    ("raw", "kept", "code"),
    [
        ("2024-02-30", "2024-02", "impossible_day"),
        ("2024-13", "2024", "impossible_month"),
        ("1950-43-06", "1950", "impossible_month"),
    ],
)
def test_a_partial_date_keeps_the_parts_an_impossible_one_leaves(
    raw: str, kept: str, code: str
) -> None:
    assert PartialDate().clean(raw) == kept
    note = PartialDate().note(raw)
    assert note is not None and note[0] == code and repr(kept)[1:-1] in note[1]


@pytest.mark.parametrize("raw", ["16/07/2008", "16-07-2008", "16.07.2008", "16/7/2008 14:30"])
def test_unambiguous_uk_day_first_date_is_read_and_reported(raw: str) -> None:
    for vtype in (Date(), PartialDate()):
        assert vtype.clean(raw) == "2008-07-16"
        note = vtype.note(raw)
        assert note is not None and note[0] == "day_first_date"
        assert "2008-07-16" in note[1]


def test_ambiguous_uk_date_is_read_day_first_and_says_the_other_reading() -> None:
    assert Date().clean("05/06/2008") == "2008-06-05"
    note = Date().note("05/06/2008")
    assert note is not None
    assert note[0] == "ambiguous_day_first_date"
    assert "2008-05-06" in note[1]


def test_same_day_and_month_is_not_ambiguous() -> None:
    assert Date().note("05/05/2008") == (
        "day_first_date",
        "'05/05/2008' read day first as 2008-05-05",
    )


def test_day_first_date_with_no_such_day_or_mixed_separators_is_invalid() -> None:
    for raw in ("31/13/2024", "30/02/2024", "16/07-2008", "30/02/08", "24-01-01", "1/2/3"):
        assert Date().clean(raw) is None
        assert Date().note(raw) is None


def test_two_digit_year_takes_the_latest_century_not_after_this_year() -> None:
    this_year = date.today().year
    short = this_year % 100
    assert Date().clean(f"16/07/{short:02d}") == f"{this_year}-07-16"
    century = this_year - short
    later = (short + 1) % 100
    expected = century + later if century + later <= this_year else century + later - 100
    assert Date().clean(f"16/07/{later:02d}") == f"{expected}-07-16"
    note = Date().note("16/07/08")
    assert note is not None and note[0] == "two_digit_year"
    assert "2008-07-16" in note[1]


def test_two_digit_year_reports_the_month_first_reading() -> None:
    note = Date().note("05/06/08")
    assert note is not None and note[0] == "two_digit_year"
    assert "month first it would be 2008-05-06" in note[1]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("16 July 2008", "2008-07-16"),
        ("16-Jul-2008", "2008-07-16"),
        ("16-JUL-08", "2008-07-16"),
        ("7th March 2011", "2011-03-07"),
        ("July 16, 2008", "2008-07-16"),
        ("16 Sept 2008", "2008-09-16"),
    ],
)
def test_a_named_month_is_read(raw: str, iso: str) -> None:
    for vtype in (Date(), PartialDate()):
        assert vtype.clean(raw) == iso
        note = vtype.note(raw)
        assert note is not None and iso in note[1]


def test_a_word_that_begins_no_month_is_not_a_date() -> None:
    for raw in ("16 Jux 2008", "16 Ju 2008", "Monday 2008", "16 Marchx 2008"):
        assert Date().clean(raw) is None


def test_eight_digits_read_as_basic_iso_or_day_first() -> None:
    assert Date().clean("20080716") == "2008-07-16"
    assert Date().clean("16072008") == "2008-07-16"
    assert Date().note("20080716") == ("compact_date", "'20080716' read as 2008-07-16 (YYYYMMDD)")
    assert Date().note("16072008") == ("compact_date", "'16072008' read as 2008-07-16 (DDMMYYYY)")
    for raw in ("19504306", "20081332", "00000000", "1234567"):
        assert Date().clean(raw) is None


def test_a_month_and_year_or_an_estimate_is_a_partial_date_only() -> None:
    cases = {
        "07/2008": ("2008-07", "month_year_date"),
        "July 2008": ("2008-07", "month_year_date"),
        "c. 2008": ("2008", "estimated_year"),
        "approx 2008": ("2008", "estimated_year"),
        "2008 (est)": ("2008", "estimated_year"),
    }
    for raw, (iso, code) in cases.items():
        assert PartialDate().clean(raw) == iso
        note = PartialDate().note(raw)
        assert note is not None and note[0] == code
        assert Date().clean(raw) is None
    for raw in ("13/2008", "c. 1700", "about 20081"):
        assert PartialDate().clean(raw) is None


def test_iso_dates_carry_no_note() -> None:
    assert Date().note("2008-07-16") is None
    assert PartialDate().note("2008-07") is None


@given(st.text(max_size=30))
def test_name_clean_is_lower_ascii_and_idempotent(raw: str) -> None:
    cleaned = Name().clean(raw)
    if cleaned is not None:
        assert cleaned == cleaned.lower().strip()
        assert cleaned.isascii()
        assert Name().clean(cleaned) == cleaned


def test_name_folds_diacritics_apostrophes_and_hyphens() -> None:
    assert Name().clean("  Zoë  O'Neil-Smith ") == "zoe oneil smith"
    assert Name().clean("ŁUKASZ") == "lukasz"
    assert Name().clean("???") is None


def test_name_drops_invisible_format_characters() -> None:
    """A zero-width space pasted into a surname is invisible to the agency: it must not
    split the name in two (found by tests/robustness)."""
    assert Name().clean("Hu\u200bghes") == "hughes"
    assert Name().clean("Sio\u00adbh\u00e1n\u2060") == "siobhan"
    assert Name().clean("Ann\u200dMarie") == "annmarie"
    assert Name().clean("\u200b\ufeff") is None


@given(st.text(alphabet=string.ascii_letters + string.digits + " ", max_size=10))
def test_vehicle_mark_is_upper_without_spaces(raw: str) -> None:
    cleaned = VehicleMark().clean(raw)
    if cleaned is not None:
        assert cleaned == cleaned.upper() and " " not in cleaned
        assert VehicleMark().clean(cleaned) == cleaned


def test_every_type_explains_an_invalid_value() -> None:
    for vtype in TYPES.values():
        reason = vtype.explain("?!")
        assert isinstance(reason, str) and reason


def test_sex_letters_case_systems_store_are_read() -> None:
    from clearsight.standard import load_standard

    sex = load_standard().tables["persons"].columns["sex"].type
    assert [sex.clean(v) for v in ("F", "m", " U ", "Not Known", "female")] == [
        "female",
        "male",
        "unknown",
        "unknown",
        "female",
    ]
    assert sex.clean("1") is None and sex.clean("fem") is None
