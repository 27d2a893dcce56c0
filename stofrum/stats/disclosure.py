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
* Tables that share cells (the visits of each site are the column totals of the method,
  gender, age, municipality and day tables and a cell of the check-in table) share their
  suppression. While no shared cell is suppressed the tables are independent. When one is,
  the tables it links are also checked together by exact linear algebra: with zeros taken
  as known and every other unknown count ≥ 1, a count not fixed by the equations can move
  both ways, so that check is exact; a count it finds gets the smallest shown count of its
  tables suppressed beside it.
* Neighbouring sites: a month's figures for every site and the city are one set of tables
  (key × site, the city as totals); a site's export shows its column, so the city minus
  the other sites tells nothing. Every breakdown lists every key in every column (a
  missing line would tell a 0, and a `..` would then be at least 1).
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

    signs: dict = field(default_factory=dict)

    def add(self, cell_id, row, col, value, signs=(1, 1)):
        """`signs`: the cell's coefficient in its row and its column equation (a total is
        −1 in the line it closes)."""
        self.cells.append((cell_id, row, col, value))
        self.signs[cell_id] = signs

    def equations(self) -> list[dict]:
        """[{cell id: coefficient}], each adding up to 0."""
        lines = defaultdict(dict)
        for cell_id, row, col, _ in self.cells:
            row_sign, col_sign = self.signs[cell_id]
            if row is not None:
                lines[("r", row)][cell_id] = row_sign
            if col is not None:
                lines[("c", col)][cell_id] = col_sign
        return list(lines.values())


def column(name: str, items: dict, total_id=None, total: int | None = None) -> Table:
    """A breakdown: items {cell_id: count} adding up to `total` (stored as `total_id`).
    Without a total (or one the items do not add up to) the cells are on no equation."""
    table = Table(name)
    linked = total_id is not None and total == sum(items.values())
    for cell_id, value in items.items():
        table.add(cell_id, None, "sum" if linked else None, value)
    if linked:
        table.add(total_id, None, "sum", total, (1, -1))
    return table


def grid(name: str, values: dict, row_keys, col_keys, cell_id=None) -> Table:
    """A two-way table {(row, col): count} with row, column and grand totals. `cell_id(row,
    col)` names the cells, None standing for a total (default: (name, row, col)); a total
    named like a cell of another table is that cell."""
    cell_id = cell_id or (lambda r, c: (name, r, c))
    table = Table(name)
    row_total, col_total = defaultdict(int), defaultdict(int)
    for r in row_keys:
        for c in col_keys:
            v = values.get((r, c), 0)
            table.add(cell_id(r, c), ("row", r), ("col", c), v)
            row_total[r] += v
            col_total[c] += v
    for r in row_keys:
        table.add(cell_id(r, None), ("row", r), ("col", None), row_total[r], (-1, 1))
    for c in col_keys:
        table.add(cell_id(None, c), ("row", None), ("col", c), col_total[c], (1, -1))
    table.add(cell_id(None, None), ("row", None), ("col", None), sum(row_total.values()),
              (-1, -1))
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


def _bridges(edges) -> set[int]:
    """Indexes of the edges [(a, b)] that lie on no cycle (Tarjan; parallel edges and loops
    are on cycles)."""
    adjacent = defaultdict(list)
    for i, (u, v) in enumerate(edges):
        if u != v:
            adjacent[u].append((v, i))
            adjacent[v].append((u, i))
    order, low, bridges, counter = {}, {}, set(), 0
    for root in adjacent:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, -1, iter(adjacent[root]))]
        while stack:
            u, via, it = stack[-1]
            for v, i in it:
                if i == via:
                    continue
                if v in order:
                    low[u] = min(low[u], order[v])
                else:
                    order[v] = low[v] = counter
                    counter += 1
                    stack.append((v, i, iter(adjacent[v])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[u])
                    if low[u] > order[parent]:
                        bridges.add(via)
    return bridges


def _pinned(table: Table, hidden: set, values: dict):
    """The first suppressed non-zero cell of the table an attacker can work out, or None."""
    edges, ids = [], []
    for cell_id, row, col, _ in table.cells:
        if cell_id in hidden and values[cell_id] > 0:
            edges.append(_ends(row, col))
            ids.append(cell_id)
    bridges = _bridges(edges)
    if bridges:
        return ids[min(bridges)], edges, ids
    return None


def protect(tables: list[Table], threshold: int) -> set:
    """The ids of the cells to publish as `..` (see the module docstring): every count
    below `threshold`, and enough others that none of them can be worked out."""
    values, seen_in = {}, defaultdict(list)
    for table in tables:
        for cell_id, _, _, value in table.cells:
            if values.setdefault(cell_id, value) != value:
                raise ValueError(f"cell {cell_id!r} has two values")
            seen_in[cell_id].append(table)
    shared = {cell_id for cell_id, where in seen_in.items() if len(where) > 1}
    hidden = {cell_id for cell_id, value in values.items() if value < threshold}
    while True:
        for table in tables:
            while (found := _pinned(table, hidden, values)) is not None:
                cell_id, edges, ids = found
                complement = _complement(table, hidden, values, cell_id, edges, ids, shared)
                if complement is None:  # cannot happen for a consistent table
                    raise ValueError(f"cannot protect {cell_id!r}")
                hidden.add(complement)
        exposed = _jointly_pinned(tables, hidden, values, shared)
        if not exposed:
            return hidden
        pool = (_smallest_visible(seen_in[exposed], hidden, values)
                or _smallest_visible(tables, hidden, values))
        if pool is None:  # cannot happen: with every non-zero cell hidden, none is pinned
            raise ValueError(f"cannot protect {exposed!r}")
        hidden.add(pool)


def _smallest_visible(tables, hidden, values):
    cells = sorted((values[c], str(c), c) for t in tables for c, _, _, _ in t.cells
                   if c not in hidden and values[c] > 0)
    return cells[0][2] if cells else None


def _jointly_pinned(tables, hidden, values, shared):
    """A suppressed non-zero cell that tables linked by a suppressed shared cell give away
    together (exact linear algebra, modulo a large prime), or None. Each table alone has
    passed the cycle test; with every unknown count ≥ 1 and zeros taken as known, a cell
    not fixed by the equations can move both ways, so this test is exact too."""
    links = {c for c in shared if c in hidden and values[c] > 0}
    if not links:
        return None
    linked = [t for t in tables if any(c in links for c, _, _, _ in t.cells)]
    unknown = sorted({c for t in linked for c, _, _, _ in t.cells
                      if c in hidden and values[c] > 0}, key=str)
    index = {c: i for i, c in enumerate(unknown)}
    rows = []
    for table in linked:
        for equation in table.equations():
            row = {index[c]: a % _P for c, a in equation.items() if c in index}
            if row:
                rows.append(row)
    for i in _determined(rows, len(unknown)):
        return unknown[i]
    return None


_P = (1 << 61) - 1


def _determined(rows: list[dict], n: int) -> list[int]:
    """Columns fixed by the sparse rows (reduced row echelon form over GF(p))."""
    pivots = {}  # column -> row (dict), fully reduced
    for row in rows:
        row = dict(row)
        for col, prow in pivots.items():
            if row.get(col):
                factor = row[col]
                for k, v in prow.items():
                    row[k] = (row.get(k, 0) - factor * v) % _P
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _P - 2, _P)
        row = {k: v * inverse % _P for k, v in row.items()}
        for other_col, prow in pivots.items():
            if prow.get(col):
                factor = prow[col]
                for k, v in row.items():
                    prow[k] = (prow.get(k, 0) - factor * v) % _P
                pivots[other_col] = {k: v for k, v in prow.items() if v}
        pivots[col] = row
    return sorted(col for col, row in pivots.items() if len(row) == 1)


def _complement(table, hidden, values, cell_id, edges, ids, shared=frozenset()):
    """The cell to suppress next for a pinned one: the smallest visible non-zero cell on
    one of its equations that puts it on a cycle, else the smallest on its equations,
    else the smallest visible non-zero cell of the table."""
    ends = set(edges[ids.index(cell_id)])
    visible = sorted(((c in shared, values[c], str(c), c, _ends(r, k))
                      for c, r, k, _ in table.cells if c not in hidden and values[c] > 0),
                     key=lambda t: t[:3])
    near = [item for item in visible if ends & set(item[4])]
    target = ids.index(cell_id)
    for _, _, _, candidate, candidate_ends in near:
        if _on_cycle(edges + [candidate_ends], target):
            return candidate
    pool = near or visible
    return pool[0][3] if pool else None


def show(value, cell_id, hidden: set):
    """A published value: `..` for a suppressed cell."""
    return MARK if cell_id in hidden else value
