"""Small-cell protection for every statistic that leaves the municipality: the ONE
suppression function (`protect`) used by the CSV and XLSX exports, the monthly and yearly
report files and `GET /api/v1/stats/export.csv`.

The method (cell suppression with secondary suppression, proven for "network" tables):

* A published table is a set of cells tied together by additive equations: the cells of a
  breakdown add up to its total, the rows of a two-way table add up to the row totals, and
  so on. Each cell lies on at most two equations (a row and a column; totals included), so
  the cells are the edges of a graph whose vertices are the equations; a cell on fewer
  equations hangs on a free vertex (no equation).
* Primary suppression: every count below the threshold (`STOFRUM_SUPPRESS_BELOW`, 5),
  **zero included**, is shown as `..`. Zeros are suppressed so that a reader cannot assume
  a suppressed cell holds at least 1; otherwise two suppressed cells adding up to 2 would
  both be 1. Zeros themselves are not protected (a reader may know that a women-only room
  has no men): the audit treats them as known.
* Secondary suppression: an attacker knows the published cells, every equation and that
  counts are not negative. A suppressed count x ≥ 1 can be told exactly iff no other
  solution exists; within one table that is so iff its cell is a *bridge* in the graph of
  suppressed non-zero cells (Cox 1980; Kelly, Golden and Assad 1992: in a network table,
  the change +1/−1 alternating along a cycle keeps every equation and, as every cell on
  the cycle is ≥ 1, no count goes below zero). So while any suppressed non-zero cell is
  a bridge, the smallest non-suppressed non-zero cell on one of its equations (preferring
  one that closes a cycle through it) is suppressed as well. Suppressing every non-zero
  cell always ends the loop, so it terminates.
* Tables that share a cell (`visits` is the total of the method, gender, age and
  municipality breakdowns and a cell of the check-in table) share its suppression; as the
  shared cell lies on a cycle in every table, each table can follow any ±1 change of it,
  so the tables cannot be combined to pin a count either.
* Neighbouring periods: exports cover only whole calendar months that have ended, one
  protected table set per month (see `exports.export_months`). Two exports therefore
  cover either the same month (the same figures, the same suppression) or months that do
  not overlap: no export can be subtracted from another to give a shorter period.

A suppressed cell shows `..` whether it was suppressed for being small or to protect
another one: two different marks would tell which cells are below 5.
"""

from collections import defaultdict, deque
from dataclasses import dataclass, field

MARK = ".."


@dataclass
class Table:
    """Cells `(cell_id, row_equation, column_equation, value)`; an equation of None means
    the cell is on no equation of that dimension. Equation names are local to the table;
    a cell id shared with another table is the same published figure."""

    name: str
    cells: list = field(default_factory=list)

    def add(self, cell_id, row, col, value):
        self.cells.append((cell_id, row, col, value))


def column(name: str, items: dict, total_id=None, total: int | None = None) -> Table:
    """A breakdown: items {cell_id: count} adding up to `total` (stored as `total_id`).
    Without a total (or one the items do not add up to) the cells are on no equation."""
    table = Table(name)
    linked = total_id is not None and total == sum(items.values())
    for cell_id, value in items.items():
        table.add(cell_id, None, "sum" if linked else None, value)
    if linked:
        table.add(total_id, None, "sum", total)
    return table


def grid(name: str, values: dict, row_keys, col_keys) -> Table:
    """A two-way table {(row, col): count} with row, column and grand totals; the cells are
    (row, col), (row, None), (None, col) and (None, None) prefixed with the table's name."""
    table = Table(name)
    row_total, col_total = defaultdict(int), defaultdict(int)
    for r in row_keys:
        for c in col_keys:
            v = values.get((r, c), 0)
            table.add((name, r, c), ("row", r), ("col", c), v)
            row_total[r] += v
            col_total[c] += v
    for r in row_keys:
        table.add((name, r, None), ("row", r), ("col", None), row_total[r])
    for c in col_keys:
        table.add((name, None, c), ("row", None), ("col", c), col_total[c])
    table.add((name, None, None), ("row", None), ("col", None), sum(row_total.values()))
    return table


def _ends(row, col):
    return ("r", row) if row is not None else ("free",), \
        ("c", col) if col is not None else ("free",)


def _on_cycle(edges, index) -> bool:
    """Whether edge `index` of `edges` [(a, b)] lies on a cycle (is not a bridge)."""
    a, b = edges[index]
    if a == b:
        return True
    adjacent = defaultdict(list)
    for i, (u, v) in enumerate(edges):
        if i != index:
            adjacent[u].append(v)
            adjacent[v].append(u)
    seen, todo = {a}, deque([a])
    while todo:
        u = todo.popleft()
        if u == b:
            return True
        for v in adjacent[u]:
            if v not in seen:
                seen.add(v)
                todo.append(v)
    return False


def _pinned(table: Table, hidden: set, values: dict):
    """The first suppressed non-zero cell of the table an attacker can work out, or None."""
    edges, ids = [], []
    for cell_id, row, col, _ in table.cells:
        if cell_id in hidden and values[cell_id] > 0:
            edges.append(_ends(row, col))
            ids.append(cell_id)
    for i, cell_id in enumerate(ids):
        if not _on_cycle(edges, i):
            return cell_id, edges, ids
    return None


def protect(tables: list[Table], threshold: int) -> set:
    """The ids of the cells to publish as `..` (see the module docstring): every count
    below `threshold`, and enough others that none of them can be worked out."""
    values = {}
    for table in tables:
        for cell_id, _, _, value in table.cells:
            if values.setdefault(cell_id, value) != value:
                raise ValueError(f"cell {cell_id!r} has two values")
    hidden = {cell_id for cell_id, value in values.items() if value < threshold}
    changed = True
    while changed:
        changed = False
        for table in tables:
            while (found := _pinned(table, hidden, values)) is not None:
                cell_id, edges, ids = found
                complement = _complement(table, hidden, values, cell_id, edges, ids)
                if complement is None:  # cannot happen for a consistent table
                    raise ValueError(f"cannot protect {cell_id!r}")
                hidden.add(complement)
                changed = True
    return hidden


def _complement(table, hidden, values, cell_id, edges, ids):
    """The cell to suppress next for a pinned one: the smallest visible non-zero cell on
    one of its equations that puts it on a cycle, else the smallest on its equations,
    else the smallest visible non-zero cell of the table."""
    ends = set(edges[ids.index(cell_id)])
    visible = sorted(((values[c], str(c), c, _ends(r, k)) for c, r, k, _ in table.cells
                      if c not in hidden and values[c] > 0), key=lambda t: t[:2])
    near = [item for item in visible if ends & set(item[3])]
    target = ids.index(cell_id)
    for _, _, candidate, candidate_ends in near:
        if _on_cycle(edges + [candidate_ends], target):
            return candidate
    pool = near or visible
    return pool[0][2] if pool else None


def show(value, cell_id, hidden: set):
    """A published value: `..` for a suppressed cell."""
    return MARK if cell_id in hidden else value
