"""Why a plain hash of a student ID is not a token: time the dictionary attack.

Hashes every six-digit ID (000000 to 999999) with SHA-256, as an attacker
would, then looks up a released plain hash and a released keyed token in the
resulting table. Prints the time taken, what the lookups found, and how long
``privacy.tokens.tokenize`` takes on the same million IDs for comparison.

Run: ``python benchmarks/token_dictionary_attack.py``
"""

from __future__ import annotations

import hashlib
import secrets
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privacy.tokens import tokenize

CANDIDATES = 1_000_000
STUDENT_ID = "482913"


def main() -> None:
    """Run the attack and print the figures."""
    candidates = [f"{number:06d}".encode() for number in range(CANDIDATES)]
    start = time.perf_counter()
    for candidate in candidates:
        hashlib.sha256(candidate).digest()
    hash_seconds = time.perf_counter() - start

    start = time.perf_counter()
    lookup = {
        hashlib.sha256(f"{number:06d}".encode()).hexdigest(): f"{number:06d}"
        for number in range(CANDIDATES)
    }
    attack_seconds = time.perf_counter() - start

    plain_release = hashlib.sha256(STUDENT_ID.encode()).hexdigest()
    key = secrets.token_bytes(32)
    identifiers = pd.Series([f"{number:06d}" for number in range(CANDIDATES)])
    start = time.perf_counter()
    tokens = tokenize(identifiers, key, prefix="", length=64)
    tokenize_seconds = time.perf_counter() - start
    keyed_release = tokens[int(STUDENT_ID)]

    print(f"SHA-256 of all {CANDIDATES:,} six-digit IDs: {hash_seconds:.2f} s")
    print(f"the same, building the reverse lookup table: {attack_seconds:.2f} s")
    print(f"plain SHA-256 of {STUDENT_ID} found as: {lookup.get(plain_release)}")
    print(f"keyed token of {STUDENT_ID} found as: {lookup.get(keyed_release)}")
    print(f"tokenize {CANDIDATES:,} IDs: {tokenize_seconds:.2f} s")
    print(f"tokenize / attack time ratio: {tokenize_seconds / attack_seconds:.2f}")


if __name__ == "__main__":
    main()
