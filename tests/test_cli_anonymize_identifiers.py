import pandas as pd

from privacy.cli import main


def test_anonymize_drops_direct_identifiers_from_the_release(tmp_path, capsys):
    source = tmp_path / "students.csv"
    pd.DataFrame(
        {
            "student_id": [f"{n:06d}" for n in range(30)],
            "full_name": [f"Name {n}" for n in range(30)],
            "grade": ["1", "2", "3"] * 10,
            "gender": ["F", "M"] * 15,
        }
    ).to_csv(source, index=False)
    out = tmp_path / "release.csv"

    status = main(
        [
            "anonymize",
            str(source),
            "--quasi-identifiers",
            "grade,gender",
            "--k",
            "5",
            "--out",
            str(out),
        ]
    )

    assert status == 0
    release = pd.read_csv(out, dtype=str)
    assert list(release.columns) == ["grade", "gender"]
    assert (
        "direct identifiers dropped: student_id, full_name" in capsys.readouterr().out
    )
