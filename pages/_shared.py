"""Session-state helpers shared by every page.

Everything a user loads or decides lives in ``st.session_state``, which belongs to
one browser session: no other user can read it, and nothing here writes to disk.
Only the built-in synthetic population is cached across sessions, because it
is public, generated data.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import TypeVar

import pandas as pd
import streamlit as st

from privacy.config import TABLE_PROTECTIONS, TierConfig
from privacy.datasets import Dataset, load_builtin
from privacy.dp import PrivacyBudget
from privacy.exceptions import InputError, PrivacyWarning
from privacy.logs import safe_text, timed_action
from privacy.roles import ColumnRole, columns_with_role
from privacy.synthetic import DEFAULT_SEED, DEFAULT_YEAR
from privacy.tiers import TierResult, evaluate_tier, yes_no_columns
from privacy.tokens import resolve_token_key
from privacy.workload import Workload, default_workload

T = TypeVar("T")

DATASET_KEY = "dataset"
ROLES_KEY = "roles"
BUDGET_KEY = "privacy_budget"
TOKEN_KEY = "token_key"
DATASET_VERSION_KEY = "dataset_version"
# Session keys under which pages keep releases made with noise.
RELEASE_KEYS = (
    "private_release",
    "epsilon_release",
    "epsilon_statistic",
    "private_model",
)


def _leave_pages_directory_mode() -> None:
    """Make sure pages run under the app's navigation, not on their own.

    Streamlit takes a folder named ``pages/`` beside the entry script for an
    old-style multipage app until ``st.navigation`` has run once in the
    server process. If the very first visit opens a page's address directly,
    that page would run without ``app.py`` (no sidebar, no page list). Leaving
    that mode and running again hands the visit to ``app.py``. Headless tests
    (``AppTest``, whose runner module is then loaded) reset the mode before
    every run; a rerun there would swallow the click being tested, so there
    the page simply runs on.
    """
    from streamlit.runtime.pages_manager import PagesManager

    headless_test = "streamlit.testing.v1.local_script_runner" in sys.modules
    if PagesManager.uses_pages_directory and not headless_test:
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_dataset() -> Dataset:
    """Return the session's dataset, loading the synthetic default once."""
    _leave_pages_directory_mode()
    if DATASET_KEY not in st.session_state:
        set_dataset(load_synthetic(DEFAULT_YEAR, DEFAULT_SEED, None))
    return st.session_state[DATASET_KEY]


def set_dataset(dataset: Dataset) -> None:
    """Make ``dataset`` the session's data and reset roles derived from it."""
    st.session_state[DATASET_KEY] = dataset
    st.session_state[ROLES_KEY] = dict(dataset.roles)
    st.session_state[DATASET_VERSION_KEY] = dataset_version() + 1
    # Releases made from the previous data must not be shown beside the new
    # data. The privacy budget stays: it is spent, whatever comes next.
    for key in RELEASE_KEYS:
        st.session_state.pop(key, None)


def dataset_version() -> int:
    """A number that changes whenever the session's dataset is replaced.

    Memoized results are keyed by it, so a result computed on one table is
    never shown for another.
    """
    return int(st.session_state.get(DATASET_VERSION_KEY, 0))


def current_roles() -> dict[str, ColumnRole]:
    """Return the session's column roles (as edited on the data page)."""
    current_dataset()
    return st.session_state[ROLES_KEY]


def set_roles(roles: dict[str, ColumnRole]) -> None:
    """Replace the session's column roles."""
    st.session_state[ROLES_KEY] = dict(roles)


def privacy_budget() -> PrivacyBudget:
    """Return this session's privacy budget, created on first use."""
    if BUDGET_KEY not in st.session_state:
        st.session_state[BUDGET_KEY] = PrivacyBudget()
    return st.session_state[BUDGET_KEY]


def token_key() -> tuple[bytes, bool]:
    """Return the tokenization key and whether it is a random per-session key."""
    if TOKEN_KEY not in st.session_state:
        # A configured key that is too short is the operator's to fix: say so.
        with user_errors():
            st.session_state[TOKEN_KEY] = resolve_token_key(_secret_key())
    return st.session_state[TOKEN_KEY]


def _secret_key() -> str | None:
    # Streamlit raises when no secrets file exists at all; that simply means
    # no key was configured there.
    try:
        return st.secrets.get("token_key")
    except (FileNotFoundError, KeyError, st.errors.StreamlitAPIException):
        return None
    except Exception:
        return None


@contextlib.contextmanager
def user_errors(stop: bool = True) -> Iterator[None]:
    """Show the library's input errors and privacy warnings on the page.

    An :class:`InputError` becomes an ``st.error``: the message already says
    what is wrong and how to fix it. With ``stop`` the page stops there;
    without it the rest of the page still renders. Privacy warnings raised
    inside the block become ``st.warning``.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PrivacyWarning)
        try:
            yield
        except InputError as error:
            st.error(str(error), icon=":material/error:")
            if stop:
                st.stop()
        finally:
            for warning in caught:
                if issubclass(warning.category, PrivacyWarning):
                    st.warning(str(warning.message), icon=":material/lock_open:")
                else:
                    # Not ours to render: hand it back to the normal machinery.
                    warnings.warn_explicit(
                        warning.message,
                        warning.category,
                        warning.filename,
                        warning.lineno,
                    )


WORKSHOP_KEY = "workshop_mode"
WORKSHOP_WIDGET_KEY = "workshop_mode_switch"


def workshop_mode() -> bool:
    """Show the workshop switch and return whether records must stay hidden.

    In workshop mode no page shows an individual record, only counts, rates and
    risk figures, so the app can be projected in front of stakeholders. The
    choice is kept apart from the widget so that it holds on every page.
    """
    enabled = st.toggle(
        "Workshop mode (hide individual records)",
        value=bool(st.session_state.get(WORKSHOP_KEY, False)),
        key=WORKSHOP_WIDGET_KEY,
        help="For sessions with stakeholders: pages show only aggregates.",
    )
    st.session_state[WORKSHOP_KEY] = enabled
    return enabled


def is_workshop_mode() -> bool:
    """Whether the session is in workshop mode (records hidden)."""
    return bool(st.session_state.get(WORKSHOP_KEY, False))


@st.cache_data(show_spinner="Generating the synthetic population…", max_entries=8)
def load_synthetic(year: str, seed: int, students: int | None) -> Dataset:
    """Generate (once per parameter set) a synthetic population.

    Cached across sessions: it is public, generated data and contains no upload.
    """
    return load_builtin("synthetic", year=year, seed=seed, students=students)


def login_required_for_uploads() -> bool:
    """Ask for sign-in before uploads when the operator requires it.

    Sign-in is required when ``.streamlit/secrets.toml`` sets
    ``require_login = true`` under ``[explorer]`` and configures Streamlit's
    OpenID Connect login under ``[auth]``. Returns True when the page must stop
    because the user is not signed in.
    """
    if not _explorer_setting("require_login", False):
        return False
    if st.user.is_logged_in:
        st.caption(f"Signed in as {st.user.get('email', 'an authorised user')}.")
        return False
    st.warning(
        "This deployment requires sign-in before real data can be uploaded.",
        icon=":material/lock:",
    )
    st.button("Sign in", on_click=st.login)
    return True


def _explorer_setting(name: str, default: object) -> object:
    try:
        return st.secrets.get("explorer", {}).get(name, default)
    except Exception:
        return default


TIER_CONFIG_KEY = "tier_config"
MEMO_KEY = "memo"
MEMO_SIZE = 24


def current_tier_config() -> TierConfig:
    """Return the session's tier configuration (defaults on first use)."""
    if TIER_CONFIG_KEY not in st.session_state:
        st.session_state[TIER_CONFIG_KEY] = TierConfig()
    return st.session_state[TIER_CONFIG_KEY]


def set_tier_config(config: TierConfig) -> None:
    """Replace the session's tier configuration."""
    st.session_state[TIER_CONFIG_KEY] = config


def forget_widget_state(prefix: str) -> None:
    """Drop widget values whose key starts with ``prefix``.

    Used after loading a configuration, so that the widgets start again from
    the loaded values instead of the ones the user last touched.
    """
    for key in [key for key in st.session_state if str(key).startswith(prefix)]:
        del st.session_state[key]


def session_memo(key: tuple, compute: Callable[[], T]) -> T:
    """Compute once per session and key; keep the most recent results.

    Results derived from a user's data must not go into Streamlit's shared
    caches, which every session can read. This memo lives in the session.
    """
    memo: dict = st.session_state.setdefault(MEMO_KEY, {})
    if key in memo:
        memo[key] = memo.pop(key)  # most recently used goes last
        return memo[key]
    value = compute()
    memo[key] = value
    while len(memo) > MEMO_SIZE:
        memo.pop(next(iter(memo)))
    return value


def evaluate_for_session(
    table: pd.DataFrame,
    roles: dict[str, ColumnRole],
    config: TierConfig,
    *,
    token_key: bytes,
    workload: Workload,
) -> TierResult:
    """Evaluate a tier once per session and setting, logging what was done.

    Every page that shows a tier's figures calls this, so the Risk and
    utility, Compare and Export pages share one computation. The log line
    carries the tier, its parameters, the table's shape and the time taken,
    never a value (see :mod:`privacy.logs`).
    """

    def compute() -> TierResult:
        with timed_action(
            "evaluate_tier",
            tier=config.tier,
            protection=safe_text(config.protection, TABLE_PROTECTIONS),
            k=config.k,
            min_cell_size=config.min_cell_size,
            epsilon=config.epsilon,
            rows=len(table),
            columns=table.shape[1],
        ):
            return evaluate_tier(
                table, roles, config, token_key=token_key, workload=workload
            )

    return session_memo(("evaluate", *evaluation_key(roles, config)), compute)


def evaluation_key(roles: dict[str, ColumnRole], config: TierConfig) -> tuple:
    """What a tier's figures depend on: the data, the roles and the settings."""
    return (dataset_version(), repr(config), repr(sorted(roles.items())))


def session_workload(
    dataset: Dataset, roles: dict[str, ColumnRole], config: TierConfig
) -> Workload:
    """The workload of rate queries for this session's data and settings.

    The configured outcome is used when the data has it as a yes/no column;
    otherwise (new data, another dataset) the default outcome is chosen.
    """
    outcome = config.indicator
    if outcome not in yes_no_columns(dataset.table):
        outcome = None
    return default_workload(
        dataset.table,
        columns_with_role(roles, ColumnRole.QUASI_IDENTIFIER),
        columns_with_role(roles, ColumnRole.SENSITIVE),
        outcome=outcome,
    )
