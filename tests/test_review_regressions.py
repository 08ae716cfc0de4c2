import pandas as pd

from privacy.tables import RULE_PRESETS, protect_table


def test_audit_frame_of_a_table_with_nothing_withheld_is_empty():
    """Every cell is large: nothing is withheld and the audit frame is empty."""
    students = pd.DataFrame({"gender": ["F"] * 20 + ["M"] * 20})
    protected = protect_table(students, ["gender"], RULE_PRESETS["nces-10"])
    frame = protected.audit_frame()
    assert frame.empty
    assert "exposed" in frame.columns
    assert protected.audit.passed


def test_a_population_smaller_than_the_sample_is_refused():
    import pytest

    from privacy.exceptions import InputError
    from privacy.risk import assess_risk

    sample = pd.DataFrame({"grade": ["1", "2", "2"]})
    with pytest.raises(InputError, match="fewer than the sample's 3"):
        assess_risk(sample, ["grade"], population=sample.iloc[:2])


def test_masking_an_entirely_missing_column_keeps_it_missing():
    from privacy.hierarchies import masking_hierarchy

    hierarchy = masking_hierarchy(pd.Series([None, None], name="zip"))
    assert hierarchy.height == 1
    assert hierarchy.generalize(pd.Series([None, None]), 0).isna().all()
    assert hierarchy.generalize(pd.Series([None, None]), 1).tolist() == ["*", "*"]


def test_default_hierarchy_of_an_entirely_missing_column_has_one_step():
    import numpy as np

    from privacy.hierarchies import default_hierarchy

    for column in (
        pd.Series([np.nan, np.nan], name="age"),
        pd.Series([None, None], name="school", dtype=object),
        pd.Series(pd.to_datetime([None, None]), name="date_of_birth"),
    ):
        assert default_hierarchy(column).height == 1


def test_a_population_that_does_not_contain_the_sample_is_refused():
    import pytest

    from privacy.exceptions import InputError
    from privacy.risk import assess_risk

    sample = pd.DataFrame({"school": ["A", "B"]})
    population = pd.DataFrame({"school": ["A", "C", "C", "C"]})
    with pytest.raises(InputError, match="1 sample records have quasi-identifier"):
        assess_risk(sample, ["school"], population=population)


def test_compare_tiers_drops_a_breakdown_the_data_lacks():
    from privacy.config import TierConfig
    from privacy.datasets import load_builtin
    from privacy.roles import ColumnRole, columns_with_role
    from privacy.tiers import compare_tiers
    from privacy.workload import default_workload

    uci = load_builtin("uci-student-mat")
    workload = default_workload(
        uci.table,
        columns_with_role(uci.roles, ColumnRole.QUASI_IDENTIFIER),
        columns_with_role(uci.roles, ColumnRole.SENSITIVE),
    )
    results = compare_tiers(
        uci.table,
        uci.roles,
        TierConfig(dimensions=("school", "grade"), min_cell_size=5, k=3),
        token_key=b"k" * 32,
        workload=workload,
    )
    assert "2. Aggregated, DP" in results
    assert "2. Aggregated, suppression" in results


def test_anonymize_warns_about_quasi_identifiers_left_as_they_are(tmp_path, capsys):
    from privacy.cli import main

    source = tmp_path / "students.csv"
    pd.DataFrame(
        {
            "grade": ["1", "2", "3"] * 10,
            "gender": ["F", "M"] * 15,
            "race_ethnicity": ["Asian", "White", "Black", "Hispanic", "Other"] * 6,
        }
    ).to_csv(source, index=False)

    status = main(
        [
            "anonymize",
            str(source),
            "--quasi-identifiers",
            "grade,gender",
            "--k",
            "5",
            "--out",
            str(tmp_path / "release.csv"),
        ]
    )

    assert status == 0
    assert "race_ethnicity look like quasi-identifiers" in capsys.readouterr().err


def test_table_command_refuses_a_rounding_base_of_zero(tmp_path, capsys):
    from privacy.cli import main

    source = tmp_path / "students.csv"
    pd.DataFrame({"school": ["A", "A", "B"]}).to_csv(source, index=False)
    status = main(
        [
            "table",
            str(source),
            "--by",
            "school",
            "--rounding-base",
            "0",
            "--out",
            str(tmp_path / "out.csv"),
        ]
    )
    assert status == 2
    assert "rounding" in capsys.readouterr().err.lower()
