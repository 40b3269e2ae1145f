"""The plain-Splink peer of the FEBRL benchmarks (``linkage.py``, ``linkage_public.py``):
Splink's own FEBRL example settings ("detailed model"), trained as the example trains
them and clustered at match probability 0.99."""

from __future__ import annotations

from typing import Any

import duckdb


def splink_example_clusters(
    con: duckdb.DuckDBPyConnection, frames: list[Any], *, ssid: bool = True
) -> str:
    """Link ``frames`` (two: link only; one: deduplicate) on ``con``; the name of the
    clusters table (``rec_id``, ``cluster_id``). ``ssid`` false drops ``soc_sec_id``
    from the blocking, the comparisons and the prior."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        *([block_on("soc_sec_id")] if ssid else []),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if len(frames) > 1 else "dedupe_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if ssid else []),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    api = DuckDBAPI(connection=con)
    linker = Linker([api.register(f) for f in frames], settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [
            *([block_on("soc_sec_id")] if ssid else []),
            block_on("given_name", "surname", "date_of_birth"),
        ],
        recall=0.8,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.99
    )
    return str(clusters.physical_name)
