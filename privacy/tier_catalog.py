"""The four future states of data sharing, as the City's study defined them.

Each tier is a bundle of techniques with default parameters. This module holds
the plain-language description of each: what is shared, how it is protected,
the main risk, and which questions it can and cannot answer. The numbers each
tier produces come from :mod:`privacy.tiers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = ["TIER_DESCRIPTIONS", "Tier", "TierDescription"]


class Tier(IntEnum):
    """The four future states of sharing, numbered as in the study."""

    CURRENT_STATE = 1
    AGGREGATED = 2
    RECORD_LEVEL = 3
    RESEARCH = 4


@dataclass(frozen=True)
class TierDescription:
    """What a tier shares, how it protects it, and what it can answer."""

    tier: Tier
    title: str
    shared: str
    protections: str
    main_risk: str
    answers: tuple[str, ...]
    cannot_answer: tuple[str, ...]


TIER_DESCRIPTIONS: dict[Tier, TierDescription] = {
    Tier.CURRENT_STATE: TierDescription(
        tier=Tier.CURRENT_STATE,
        title="1. Current state: non-personal, essential data",
        shared="School-level facts and counts.",
        protections="Only school-level aggregates are published; small cells are "
        "suppressed.",
        main_risk="Small cells in published counts.",
        answers=("How does chronic absence differ between schools?",),
        cannot_answer=(
            "How does chronic absence differ by grade or student group within a "
            "school?",
            "Did students in a City program attend more than similar students?",
        ),
    ),
    Tier.AGGREGATED: TierDescription(
        tier=Tier.AGGREGATED,
        title="2. Anonymized, aggregated data",
        shared="Counts and rates by chosen dimensions (school, grade, subgroup, "
        "City program).",
        protections="Small-cell suppression with complementary suppression, or "
        "differentially private noise at a chosen epsilon.",
        main_risk="Differencing between tables; small cells; privacy budget spent "
        "across releases.",
        answers=(
            "How does chronic absence differ by school and student group?",
            "Is the rate among program participants higher or lower, with error?",
        ),
        cannot_answer=(
            "Did the program cause the difference, after adjusting for who joined it?",
            "Questions about combinations of groups that were not tabulated.",
        ),
    ),
    Tier.RECORD_LEVEL: TierDescription(
        tier=Tier.RECORD_LEVEL,
        title="3. Complete non-sensitive personally identifiable data",
        shared="One record per student without sensitive fields.",
        protections="Direct identifiers replaced by keyed tokens; quasi-"
        "identifiers generalized and rare records suppressed to reach k-anonymity.",
        main_risk="Re-identification by linkage on quasi-identifiers.",
        answers=(
            "Record-level analysis of attendance by school, grade and demographics.",
            "Linking City program records to students through the keyed token.",
        ),
        cannot_answer=(
            "Anything about disability, English learners, income or scores: "
            "those fields are not shared.",
        ),
    ),
    Tier.RESEARCH: TierDescription(
        tier=Tier.RESEARCH,
        title="4. Comprehensive data for research",
        shared="One record per student including sensitive fields.",
        protections="Tokens; k-anonymity plus l-diversity on a sensitive field, or "
        "differential privacy; encryption at rest; access under agreement.",
        main_risk="Identity and attribute disclosure.",
        answers=(
            "Full impact evaluation: program effects adjusted for income, "
            "disability, English learner status and prior scores.",
        ),
        cannot_answer=(
            "Nothing by design, but every extra field raises the disclosure risk "
            "and the burden of the agreement.",
        ),
    ),
}
