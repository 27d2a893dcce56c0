"""Small-cell protection (issue 12, "Exports that cannot be undone"): an attacker who knows
every published cell, every total and that counts are not negative never recovers a
suppressed non-zero count, whatever the table."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stofrum.stats import disclosure

# Touches no database: runs in the SQLite run only (conftest.py, engine_free).
pytestmark = pytest.mark.engine_free

THRESHOLD = 5


# --- the attacker ---------------------------------------------------------------------------

def attack(equations, published, unknown):
    """Everything the attacker can pin down: {cell: value}.

    `equations` are [{cell: coefficient}] each summing to 0; `published` {cell: value};
    `unknown` the suppressed cells (each ≥ 0). Three kinds of reasoning, to a fixpoint:
    an equation with one unknown left is solved; bounds are propagated through every
    equation (a cell whose bounds meet is pinned); and exact linear algebra (a cell fixed by
    some combination of the equations, found by Gaussian elimination over the rationals)."""
    known = dict(published)
    low = {c: Fraction(0) for c in unknown}
    high = {c: None for c in unknown}
    changed = True
    while changed:
        changed = False
        for cell, value in _linear(equations, known, unknown).items():
            if cell not in known:
                known[cell] = value
                changed = True
        for eq in equations:
            rest = [c for c in eq if c not in known]
            const = sum(Fraction(a) * known[c] for c, a in eq.items() if c in known)
            for c in rest:
                # a_c * x_c = -const - sum(other a_i x_i): bound it from the others' bounds.
                lo_sum, hi_sum = -const, -const
                for o in rest:
                    if o == c:
                        continue
                    a = -eq[o]
                    lo_o, hi_o = low[o], high[o]
                    if a > 0:
                        lo_sum = None if lo_sum is None else lo_sum + a * lo_o
                        hi_sum = None if hi_o is None or hi_sum is None else hi_sum + a * hi_o
                    else:
                        hi_sum = None if hi_sum is None else hi_sum + a * lo_o
                        lo_sum = None if hi_o is None or lo_sum is None else lo_sum + a * hi_o
                a_c = Fraction(eq[c])
                lo_c, hi_c = ((lo_sum, hi_sum) if a_c > 0 else
                              (None if hi_sum is None else -hi_sum, None if lo_sum is None
                               else -lo_sum))
                if lo_c is not None and lo_c / abs(a_c) > low[c]:
                    low[c] = lo_c / abs(a_c)
                    changed = True
                if hi_c is not None and (high[c] is None or hi_c / abs(a_c) < high[c]):
                    high[c] = hi_c / abs(a_c)
                    changed = True
            for c in rest:
                if high[c] is not None and high[c] <= low[c] and c not in known:
                    known[c] = low[c]
                    changed = True
    return {c: known[c] for c in unknown if c in known}


def _linear(equations, known, unknown):
    """Cells fixed by a linear combination of the equations (exact, over the rationals)."""
    cols = [c for c in unknown if c not in known]
    index = {c: i for i, c in enumerate(cols)}
    rows = []
    for eq in equations:
        row = [Fraction(0)] * (len(cols) + 1)
        for c, a in eq.items():
            if c in known:
                row[-1] -= a * Fraction(known[c])
            else:
                row[index[c]] += a
        if any(row[:-1]):
            rows.append(row)
    pivots, r = [], 0
    for col in range(len(cols)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [x / rows[r][col] for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [x - factor * y for x, y in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, col))
        r += 1
    solved = {}
    for r, col in pivots:
        if sum(1 for x in rows[r][:-1] if x != 0) == 1:
            solved[cols[col]] = rows[r][-1]
    return solved


def grid_equations(name, values, row_keys, col_keys):
    """The true equations of `disclosure.grid`: rows, columns and both total lines."""
    eqs = []
    for r in row_keys:
        eq = {(name, r, c): 1 for c in col_keys}
        eq[(name, r, None)] = -1
        eqs.append(eq)
    for c in col_keys:
        eq = {(name, r, c): 1 for r in row_keys}
        eq[(name, None, c)] = -1
        eqs.append(eq)
    eqs.append({**{(name, r, None): 1 for r in row_keys}, (name, None, None): -1})
    eqs.append({**{(name, None, c): 1 for c in col_keys}, (name, None, None): -1})
    return eqs


def assert_nothing_recovered(tables, equations, threshold=THRESHOLD):
    hidden = disclosure.protect(tables, threshold)
    values = {cell: v for t in tables for cell, _, _, v in t.cells}
    assert {c for c, v in values.items() if v < threshold} <= hidden
    published = {c: v for c, v in values.items() if c not in hidden}
    recovered = attack(equations, published, hidden)
    leaks = {c: v for c, v in recovered.items() if values[c] > 0}
    assert not leaks, (leaks, values, hidden)
    for c, v in recovered.items():  # whatever it finds must be true
        assert values[c] == v


# --- the observation ------------------------------------------------------------------------

def test_the_total_minus_the_shown_cells_no_longer_reveals_the_small_one():
    """Observed: visits 14, injection 10, smoking `<5`, so smoking is 4."""
    table = disclosure.column("method", {"injection": 10, "smoking": 4}, "visits", 14)
    hidden = disclosure.protect([table], THRESHOLD)
    assert "smoking" in hidden
    assert {"injection", "visits"} & hidden
    assert not attack([{"injection": 1, "smoking": 1, "visits": -1}],
                      {c: v for c, v in {"injection": 10, "smoking": 4, "visits": 14}.items()
                       if c not in hidden}, hidden)


def test_two_ones_in_a_line_are_not_pinned_by_the_lower_bound():
    """Zeros are suppressed too, so `..` + `..` = 2 does not make both 1."""
    table = disclosure.column("m", {"a": 1, "b": 1, "c": 0, "d": 30}, "t", 32)
    assert_nothing_recovered([table], [{"a": 1, "b": 1, "c": 1, "d": 1, "t": -1}])


def test_a_bridge_between_two_protected_blocks_is_protected_too():
    """Two suppressed 2×2 blocks joined by one suppressed cell: every line has two
    suppressed cells, yet the joining cell is fixed; the audit sees it."""
    rows, cols = "abcd", "wxyz"
    values = {(r, c): 9 for r in rows for c in cols}
    values.update({("a", "w"): 1, ("a", "x"): 6, ("b", "w"): 6, ("b", "x"): 6,
                   ("c", "y"): 1, ("c", "z"): 6, ("d", "y"): 6, ("d", "z"): 6,
                   ("a", "y"): 2})
    table = disclosure.grid("g", values, rows, cols)
    assert_nothing_recovered([table], grid_equations("g", values, rows, cols))


# --- random tables --------------------------------------------------------------------------

small = st.integers(0, 12)


@st.composite
def grids(draw):
    n_rows, n_cols = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    rows, cols = [f"r{i}" for i in range(n_rows)], [f"c{j}" for j in range(n_cols)]
    values = {(r, c): draw(st.one_of(small, st.integers(0, 60))) for r in rows
              for c in cols}
    return values, rows, cols


@settings(max_examples=200, deadline=None)
@given(grids())
def test_no_suppressed_cell_of_a_two_way_table_can_be_recovered(table):
    values, rows, cols = table
    assert_nothing_recovered([disclosure.grid("g", values, rows, cols)],
                             grid_equations("g", values, rows, cols))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(small, min_size=1, max_size=6), min_size=1, max_size=4),
       st.integers(0, 12))
def test_no_suppressed_cell_of_breakdowns_sharing_a_total_can_be_recovered(breakdowns,
                                                                          extra):
    """Several breakdowns of one total (method, gender, age ... of `visits`), and a table
    where that total is itself a cell (visits + left the queue = check-ins)."""
    total = sum(breakdowns[0])
    tables, equations = [], []
    for i, counts in enumerate(breakdowns):
        counts = _rebalance(counts, total)
        items = {(i, j): v for j, v in enumerate(counts)}
        tables.append(disclosure.column(f"b{i}", items, "visits", total))
        equations.append({**{cell: 1 for cell in items}, "visits": -1})
    tables.append(disclosure.column("check_ins", {"visits": total, "left": extra},
                                    "check_ins", total + extra))
    equations.append({"visits": 1, "left": 1, "check_ins": -1})
    assert_nothing_recovered(tables, equations)


def _rebalance(counts, total):
    """Counts changed as little as needed to add up to `total`."""
    counts = list(counts)
    diff = total - sum(counts)
    i = 0
    while diff:
        step = 1 if diff > 0 else -1
        if counts[i % len(counts)] + step >= 0:
            counts[i % len(counts)] += step
            diff -= step
        i += 1
    return counts


def test_suppression_is_the_same_every_time():
    """Deterministic: the same month exported twice shows the same cells (else the two
    files together would tell more than one)."""
    values = {("a", "x"): 3, ("a", "y"): 7, ("b", "x"): 8, ("b", "y"): 9}
    first = disclosure.protect([disclosure.grid("g", values, "ab", "xy")], THRESHOLD)
    again = disclosure.protect([disclosure.grid("g", dict(reversed(values.items())), "ab",
                                                "xy")], THRESHOLD)
    assert first == again


def test_the_attacker_is_able_to_recover_what_plain_small_cell_suppression_leaves():
    """The attacker is not toothless: without secondary suppression it finds the cell."""
    hidden = {"smoking"}
    assert attack([{"injection": 1, "smoking": 1, "visits": -1}],
                  {"injection": 10, "visits": 14}, hidden) == {"smoking": 4}
    # bounds: a + b = 2 with a, b ≥ 1 would pin both; with ≥ 0 it does not
    assert attack([{"a": 1, "b": 1, "t": -1}], {"t": 2}, {"a", "b"}) == {}
    found = attack(grid_equations("g", {}, "ab", "xy"),
                   {("g", "a", "x"): 0, ("g", "a", None): 3, ("g", "b", "x"): 5,
                    ("g", "b", None): 9, ("g", None, "x"): 5, ("g", None, "y"): 7,
                    ("g", None, None): 12}, {("g", "a", "y"), ("g", "b", "y")})
    assert found == {("g", "a", "y"): 3, ("g", "b", "y"): 4}




def _signed_equations(tables):
    return [eq for t in tables for eq in t.equations()]


@st.composite
def linked_grids(draw):
    """Two or three breakdowns (rows) by site (columns) of the same visits per site: their
    column totals are one row of shared cells, their grand total one more; a site's
    breakdown may be all small (a small site's visits are then suppressed)."""
    n_cols = draw(st.integers(1, 4))
    cols = [f"s{j}" for j in range(n_cols)]
    per_site = {c: draw(st.one_of(st.integers(0, 8), st.integers(0, 40))) for c in cols}
    tables = []
    for g in range(draw(st.integers(2, 3))):
        n_rows = draw(st.integers(1, 4))
        rows = [f"k{i}" for i in range(n_rows)]
        values = {}
        for c in cols:
            weights = [draw(st.integers(0, 3)) for _ in rows]
            split = _rebalance([0] * n_rows if not any(weights) else weights, per_site[c])
            values.update({(r, c): v for r, v in zip(rows, split, strict=True)})
        tables.append(disclosure.grid(
            f"g{g}", values, rows, cols,
            cell_id=lambda r, c, g=g: ("visits", c) if r is None else (f"g{g}", r, c)))
    return tables


def test_linked_grids_with_a_suppressed_shared_total():
    """A small site (visits 3) in two breakdowns by site: each table alone is protected,
    the check of the linked tables runs and nothing is recovered."""
    tables = []
    for g, rows in enumerate(({"a": (2, 30), "b": (1, 20)}, {"x": (3, 26), "y": (0, 24)})):
        values = {(r, c): v for r, pair in rows.items() for c, v in zip("st", pair,
                                                                          strict=True)}
        tables.append(disclosure.grid(
            f"g{g}", values, list(rows), ["s", "t"],
            cell_id=lambda r, c, g=g: ("visits", c) if r is None else (f"g{g}", r, c)))
    assert_nothing_recovered(tables, _signed_equations(tables))


@settings(max_examples=200, deadline=None)
@given(linked_grids())
def test_no_suppressed_cell_of_linked_tables_by_site_can_be_recovered(tables):
    assert_nothing_recovered(tables, _signed_equations(tables))
