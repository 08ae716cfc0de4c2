"""Time the upload reader beside pandas on files near the upload limit.

``privacy.loading.read_upload`` does more than ``pandas.read_csv``: it detects
the encoding and delimiter, checks every row's field count, keeps leading
zeros and reports mixed columns. This script shows what that costs, on a
generated student file with and without quoted fields, and prints the ratio.

Run: ``python benchmarks/upload_reading.py [rows]`` (default 1,000,000 rows,
about 31 MB).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privacy.loading import read_upload


def _students(rows: int, seed: int = 7) -> pd.DataFrame:
    generator = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "student_id": [f"{number:07d}" for number in range(rows)],
            "zip": generator.choice(["02134", "02121", "02124", "02128"], rows),
            "grade": generator.integers(0, 13, rows),
            "gender": generator.choice(["F", "M", "X"], rows),
            "score": generator.normal(70, 10, rows).round(1),
            "absences": generator.integers(0, 30, rows),
            "english_learner": generator.choice(["yes", "no"], rows),
            "school": generator.choice(["Mather", "Hernandez", "Trotter"], rows),
        }
    )


def _seconds(function: Callable[[], object], repeats: int = 2) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print the timings of both readers and their ratio."""
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    students = _students(rows)
    plain = students.to_csv(index=False).encode()
    students["school"] = students["school"].str.replace("Mather", "Mather, Dorchester")
    quoted = students.to_csv(index=False).encode()

    for label, data in (("no quotes", plain), ("quoted fields", quoted)):
        ours = _seconds(lambda data=data: read_upload("students.csv", data))
        peer = _seconds(
            lambda data=data: pd.read_csv(io.BytesIO(data), dtype=str),
        )
        size = len(data) / (1024 * 1024)
        print(
            f"{label:14} {rows:,} rows, {size:.1f} MB: read_upload {ours:.2f} s, "
            f"pandas.read_csv(dtype=str) {peer:.2f} s, ratio {ours / peer:.1f}"
        )


if __name__ == "__main__":
    main()
