from __future__ import annotations

import filecmp
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from clearsight.standard import load_standard
from clearsight.synth import DEFAULT_AREAS, SynthSummary, areas_for, generate
from clearsight.synth.identifiers import nhs_valid

from .conftest import AREAS, read_csv

AGENCIES = ("police", "csc", "health", "education", "vcs")


def _submissions(out: Path) -> list[Path]:
    return sorted(path for path in (out / "submissions").iterdir() if path.is_dir())


def _habits(out: Path) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    habits: dict[str, dict[str, dict[str, dict[str, float]]]] = json.loads(
        (out / "truth" / "habits.json").read_text("utf-8")
    )
    return habits


def test_one_submission_per_agency_per_area(synth_out: tuple[Path, SynthSummary]) -> None:
    """One submission per agency the seed made present in the area; police and social care,
    the statutory partners, always."""
    out, summary = synth_out
    habits = _habits(out)
    expected = {
        f"{area}-{agency}"
        for area in AREAS
        for agency in AGENCIES
        if habits[area]["agencies"][agency]["present"]
    }
    assert {f"{area}-{agency}" for area in AREAS for agency in ("police", "csc")} <= expected
    assert {path.name for path in _submissions(out)} == expected
    assert sorted(summary.submissions) == _submissions(out)
    assert summary.truth_dir == out / "truth"


def test_size_follows_scale(synth_out: tuple[Path, SynthSummary]) -> None:
    _, summary = synth_out
    assert 2_700 <= summary.person_records <= 3_400
    assert 2.6 <= summary.event_records / summary.person_records <= 3.4
    assert summary.involvement_records >= summary.event_records


DAY_FIRST = re.compile(r"\d{2}/\d{2}/\d{4}")


def test_files_follow_the_standard(synth_out: tuple[Path, SynthSummary]) -> None:
    """Every value follows the standard, but for the day-first dates of birth an agency with
    that recording habit writes (``truth/habits.json``: ``day_first``)."""
    out, _ = synth_out
    standard = load_standard()
    habits = _habits(out)
    for folder in _submissions(out):
        area, _, agency = folder.name.rpartition("-")
        day_first = habits[area]["agencies"][agency]["day_first"] > 0
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for name, spec in standard.manifest.items():
            value = manifest[name]
            assert spec.type.validate(value) is None, (folder.name, name, value)
        assert manifest["source_id"] == folder.name
        for table in standard.tables.values():
            path = folder / table.file
            if not path.exists():
                assert not table.required, path
                continue
            rows = read_csv(path)
            assert rows, path
            assert set(rows[0]) <= set(table.columns), path
            assert set(table.required_columns) <= set(rows[0]), path
            for column_name in rows[0]:
                column = table.columns[column_name]
                for row in rows:
                    value = row[column_name]
                    if value == "":
                        assert not column.required, (path, column_name)
                        continue
                    values = value.split(";") if column.is_list else [value]
                    for item in values:
                        if column.type.name in {"nhs_number", "object_value"}:
                            continue  # deliberate typos load with a warning, by design
                        if column_name == "date_of_birth" and DAY_FIRST.fullmatch(item):
                            assert day_first, (path, item)
                            continue
                        problem = column.type.validate(item)
                        assert problem is None, (path.name, column_name, item, problem)


def test_references_stay_inside_their_submission(synth_out: tuple[Path, SynthSummary]) -> None:
    out, _ = synth_out
    for folder in _submissions(out):
        persons = {row["person_id"] for row in read_csv(folder / "persons.csv")}
        events = {row["event_id"]: row for row in read_csv(folder / "events.csv")}
        involvements = read_csv(folder / "involvements.csv")
        assert len(persons) == len(read_csv(folder / "persons.csv"))
        keys = [(r["event_id"], r["person_id"], r["role"]) for r in involvements]
        assert len(keys) == len(set(keys))
        for row in involvements:
            assert row["event_id"] in events and row["person_id"] in persons
        involved = {row["event_id"] for row in involvements}
        assert involved == set(events)
        tables = {"person": persons, "event": set(events)}
        for name, key in (("object", "objects.csv"), ("location", "locations.csv")):
            path = folder / key
            tables[name] = {r[f"{name}_id"] for r in read_csv(path)} if path.exists() else set()
        for row in events.values():
            if row["related_event_id"]:
                assert row["related_event_id"] in events
            if row["location_id"]:
                assert row["location_id"] in tables["location"]
            if row["status"] == "closed" and row["closed_date"]:
                assert row["closed_date"] >= row["reported_date"]
        path = folder / "associations.csv"
        if path.exists():
            for row in read_csv(path):
                assert row["from_id"] in tables[row["from_type"]]
                assert row["to_id"] in tables[row["to_type"]]


def test_truth_covers_every_person_record(synth_out: tuple[Path, SynthSummary]) -> None:
    out, summary = synth_out
    truth = read_csv(out / "truth" / "record_truth.csv")
    people = {row["true_person_id"] for row in read_csv(out / "truth" / "people.csv")}
    keyed = {(row["source_id"], row["person_id"]): row["true_person_id"] for row in truth}
    assert len(keyed) == len(truth) == summary.person_records
    for folder in _submissions(out):
        for row in read_csv(folder / "persons.csv"):
            assert keyed[(folder.name, row["person_id"])] in people
    assert len(people) == summary.true_people
    assert (out / "truth" / "manifest.json").exists()


def test_duplicates_within_a_source(synth_out: tuple[Path, SynthSummary]) -> None:
    out, _ = synth_out
    truth = read_csv(out / "truth" / "record_truth.csv")
    per_source = Counter((row["source_id"], row["true_person_id"]) for row in truth)
    duplicated = {source for (source, _), n in per_source.items() if n > 1}
    assert {f"{area}-police" for area in AREAS} <= duplicated
    # Truth links people across agencies, too.
    sources_per_person = defaultdict(set)
    for row in truth:
        sources_per_person[row["true_person_id"]].add(row["source_id"])
    assert sum(len(s) > 1 for s in sources_per_person.values()) > 100


def test_groups_have_the_shapes_needed(synth_out: tuple[Path, SynthSummary]) -> None:
    out, summary = synth_out
    rows = read_csv(out / "truth" / "groups.csv")
    people = {row["true_person_id"]: row for row in read_csv(out / "truth" / "people.csv")}
    sizes = Counter(r["group_id"] for r in rows if r["role"] in {"offender", "facilitator"})
    assert len(sizes) == summary.groups
    assert 2 in sizes.values()
    assert max(sizes.values()) >= 12
    types = {r["group_id"]: r["group_type"] for r in rows}
    lone = [g for g, t in types.items() if t == "lone_offender"]
    assert all(sizes[g] == 1 for g in lone)
    assert all(
        r["lone_offender"] == ("yes" if r["group_type"] == "lone_offender" else "no") for r in rows
    )
    peer = [r for r in rows if r["group_type"] == "peer_group" and r["role"] != "victim"]
    assert peer
    assert all(people[r["true_person_id"]]["kind"] == "offender" for r in peer)
    # Some offenders offend in two areas and so appear in two forces' data.
    assert any(r["cross_area"] == "yes" for r in rows)
    victims = [people[r["true_person_id"]] for r in rows if r["role"] == "victim"]
    assert victims and all(v["kind"] == "victim" for v in victims)


def test_peer_offenders_are_children(synth_out: tuple[Path, SynthSummary]) -> None:
    out, _ = synth_out
    from datetime import date

    rows = read_csv(out / "truth" / "groups.csv")
    people = {row["true_person_id"]: row for row in read_csv(out / "truth" / "people.csv")}
    extract = date(2025, 10, 1)
    peer = [
        people[r["true_person_id"]]
        for r in rows
        if r["group_type"] == "peer_group" and r["role"] != "victim"
    ]
    # Aged 14-17 when offending started, at most about 4.5 years before the extract.
    for person in peer:
        born = date.fromisoformat(person["date_of_birth"])
        assert 14 <= (extract - born).days / 365.25 <= 23


def test_suspect_ethnicity_mostly_not_recorded(synth_out: tuple[Path, SynthSummary]) -> None:
    out, _ = synth_out
    empty = total = 0
    for area in AREAS:
        folder = out / "submissions" / f"{area}-police"
        suspects = {
            r["person_id"]
            for r in read_csv(folder / "involvements.csv")
            if r["role"] in {"suspect", "offender"}
        }
        for row in read_csv(folder / "persons.csv"):
            if row["person_id"] in suspects:
                total += 1
                empty += row["ethnicity_self_defined"] == ""
    assert total > 100
    assert 0.56 <= empty / total <= 0.78


def test_identity_noise_is_present(synth_out: tuple[Path, SynthSummary]) -> None:
    out, _ = synth_out
    persons = [row for folder in _submissions(out) for row in read_csv(folder / "persons.csv")]
    dobs = [row["date_of_birth"] for row in persons]
    assert any(len(d) == 4 for d in dobs) and any(len(d) == 7 for d in dobs)
    assert any(d == "" for d in dobs)
    assert any(row["forenames"].upper() == "UNKNOWN" for row in persons)
    assert any(len(row["forenames"]) == 1 for row in persons)
    nhs = [row["nhs_number"].replace(" ", "") for row in persons if row["nhs_number"]]
    invalid = sum(not nhs_valid(n) for n in nhs)
    assert 0 < invalid < 0.05 * len(nhs)
    phones = ";".join(row["phones"] for row in persons)
    assert "+44 7700" in phones and "07700 9" in phones
    postcodes = [row["postcode"] for row in persons if row["postcode"]]
    assert any(p != p.upper() for p in postcodes) and any("  " in p for p in postcodes)


def test_narrative_labels(synth_out: tuple[Path, SynthSummary]) -> None:
    out, _ = synth_out
    labels = Counter(row["label"] for row in read_csv(out / "truth" / "narratives.csv"))
    assert labels["blaming"] > 0 and labels["hard_negative"] > 0
    assert labels["blaming"] / sum(labels.values()) < 0.15


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", ["south-yorkshire"], scale=0.1, seed=3)
    second = generate(tmp_path / "b", ["south-yorkshire"], scale=0.1, seed=3)
    assert first.person_records == second.person_records
    for left in sorted((tmp_path / "a").rglob("*")):
        if left.is_file():
            right = tmp_path / "b" / left.relative_to(tmp_path / "a")
            assert filecmp.cmp(left, right, shallow=False), left
    third = generate(tmp_path / "c", ["south-yorkshire"], scale=0.1, seed=4)
    assert (tmp_path / "c" / "truth" / "people.csv").read_bytes() != (
        tmp_path / "a" / "truth" / "people.csv"
    ).read_bytes()
    assert third.person_records > 0


def test_defects_are_recorded(tmp_path: Path) -> None:
    summary = generate(tmp_path, ["west-yorkshire"], scale=0.1, seed=1, defect_rate=0.01)
    rows = read_csv(tmp_path / "truth" / "defects.csv")
    assert len(rows) == summary.defects > 0
    assert {row["kind"] for row in rows} >= {"unknown_code", "missing_required"}
    for row in rows:
        path = tmp_path / "submissions" / row["source_id"] / row["file"]
        records = read_csv(path)
        # row_number counts the header as row 1.
        spoiled = records[int(row["row_number"]) - 2]
        value = spoiled[row["column"]]
        if row["kind"] == "missing_required":
            assert value == ""
        else:
            assert value != ""


def test_no_defects_by_default(synth_out: tuple[Path, SynthSummary]) -> None:
    out, summary = synth_out
    assert summary.defects == 0
    assert read_csv(out / "truth" / "defects.csv") == []


def test_unknown_area_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown area code"):
        generate(tmp_path, ["west-yorks"], scale=0.1)
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, ["west-yorkshire"], scale=0)


def test_areas_for() -> None:
    assert areas_for(3) == list(DEFAULT_AREAS)
    codes = areas_for(44)
    assert len(codes) == len(set(codes)) == len(load_standard().areas)
    assert areas_for(5)[:3] == list(DEFAULT_AREAS)
    with pytest.raises(ValueError):
        areas_for(0)


def test_summary_as_dict(synth_out: tuple[Path, SynthSummary]) -> None:
    _, summary = synth_out
    data = summary.as_dict()
    assert data["person_records"] == summary.person_records
    assert all(isinstance(path, str) for path in data["submissions"])
    json.dumps(data)
