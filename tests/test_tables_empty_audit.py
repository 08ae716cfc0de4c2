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
