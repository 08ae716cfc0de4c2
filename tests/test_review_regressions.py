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
