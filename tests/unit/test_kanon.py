"""k-anonymity of the de-identified export: every combination of quasi-identifier values in any export
occurs at least k times (a hypothesis property), on the demo data and on a crafted set with a lone case."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from p2p_tui.services import demo
from p2p_tui.services.reporting import deidentify, kanon
from p2p_tui.services.reporting.deidentify import FIELDS
from p2p_tui.store import Store
from p2p_tui.store.vocab import CAREER_STAGES, PATHWAYS, SOURCES, STRESSORS
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY


def groups(text: str) -> Counter[tuple[str, ...]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return Counter(tuple(row[q] for q in kanon.QUASI_IDENTIFIERS) for row in rows)


def record(
    month: str, county: str, stage: str, pathway: str, source: str, stressors: str
) -> tuple[object, ...]:
    values = dict.fromkeys(FIELDS, 0) | {
        "month_received": month, "quarter": f"{month[:4]}Q{(int(month[5:]) + 2) // 3}", "county": county,
        "career_stage": stage, "pathway": pathway, "source": source, "stressors": stressors,
        "outcome": "closed", "days_to_match": None, "days_to_first_contact": None,
    }  # fmt: skip
    return tuple(values[f] for f in FIELDS)


records = st.builds(
    record,
    st.sampled_from([f"2026-{m:02d}" for m in range(1, 13)] + ["2025-11", "2025-12"]),
    st.sampled_from(["Kings", "Queens", "Prince"]),
    st.sampled_from(CAREER_STAGES),
    st.sampled_from(PATHWAYS),
    st.sampled_from(SOURCES),
    st.lists(st.sampled_from(STRESSORS), min_size=1, max_size=3, unique=True).map(
        lambda s: ";".join(x for x in STRESSORS if x in s)
    ),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(records, max_size=120), k=st.integers(3, 10))
def test_every_combination_in_any_export_occurs_at_least_k_times(
    rows: list[tuple[object, ...]], k: int
) -> None:
    done = kanon.anonymise(rows, FIELDS, k)
    at = [FIELDS.index(q) for q in kanon.QUASI_IDENTIFIERS]
    found = Counter(tuple(row[i] for i in at) for row in done.rows)
    assert all(n >= k for n in found.values()), found
    assert len(done.rows) + done.withheld == len(rows)
    assert done.smallest == min(found.values(), default=0)
    quarter = FIELDS.index("quarter")
    for row in done.rows:  # the record's quarter never says more than its (generalised) month
        assert str(row[quarter]).startswith(str(row[FIELDS.index("month_received")])[:4])
        if "quarter to year" in done.steps:
            assert len(str(row[quarter])) == 4


def test_the_demo_export_is_k_anonymous(tmp_path: Path) -> None:
    store, _ = Store.create(tmp_path / "demo.p2pvault", PASSPHRASE, kdf=CHEAP_KDF)
    try:
        with store.atomic():
            demo.populate(TODAY)
        with store.lock:
            text, done = deidentify.export()
    finally:
        store.close()
    assert all(n >= 5 for n in groups(text).values())
    assert (
        done.rows
        and done.withheld <= 0.05 * (len(done.rows) + done.withheld)
        or len(done.steps) == len(kanon.STEPS)
    )
    assert kanon.smallest_group(text) == (done.smallest, len(done.rows))
    assert done.smallest >= 5


def test_a_lone_case_is_generalised_then_withheld_and_counted() -> None:
    alike = [record("2026-08", "Kings", "mid", "reach_in", "self", "burnout")] * 6
    lone = record("2026-08", "Prince", "early", "reach_out", "media", "complaint;conflict")
    many = alike * 4 + [record("2026-07", "Queens", "late", "reach_in", "colleague", "burnout")] * 6
    done = kanon.anonymise([*many, lone], FIELDS, 5)
    assert done.withheld == 1 and len(done.rows) == 30 and done.steps == ()  # 1 of 31 alone: under 5%
    mixed = [record(f"2026-0{7 + n % 3}", "Kings", "mid", "reach_in", "self", "burnout") for n in range(12)]
    done = kanon.anonymise(mixed, FIELDS, 5)  # 4 a month: alone by month, 12 in the quarter
    assert done.steps == ("month to quarter",) and done.withheld == 0 and done.smallest == 12
    assert "generalised month to quarter; 12 rows written, 0 withheld" in done.describe()
