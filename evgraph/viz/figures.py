"""Publication figures with matplotlib: ranked candidates with their rank intervals, and the
flow donor cell -> cargo class -> recipient cell -> phenotype as an alluvial diagram.

Each function returns the table it drew, so tests can compare the data, not pixels.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from evgraph.viz.colors import CATEGORY_COLORS, category_color

__all__ = ["FORMATS", "plot_rank", "flow_table", "plot_flow"]

FORMATS = ("png", "svg", "pdf")


def _figure(width, height):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False,
                         "axes.spines.right": False, "svg.fonttype": "none", "pdf.fonttype": 42})
    return plt, plt.figure(figsize=(width, height), layout="constrained")


def _save(plt, fig, out, dpi):
    out = Path(out)
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        from evgraph.errors import UnknownChoiceError

        raise UnknownChoiceError("figure format (file suffix)", fmt, FORMATS)
    out.parent.mkdir(parents=True, exist_ok=True)
    # no tight bbox: the file has exactly the requested size (width x height inches at dpi)
    meta = {"Date": None} if fmt == "svg" else {"CreationDate": None} if fmt == "pdf" else None
    fig.savefig(out, format=fmt, dpi=dpi, metadata=meta)
    plt.close(fig)
    return out


def plot_rank(rows, out, *, title="Candidate therapeutic targets", width=6.5, height=None, dpi=300,
              colors=None) -> list[dict]:
    """Horizontal plot of ranked candidates: consensus score as dots, bootstrap rank
    intervals as bars on a second axis when present.

    ``rows`` are ranking records (``rank``, ``name``, ``category``, ``score``,
    ``rank_low``, ``rank_high``), best first. Returns the drawn table.
    """
    table = [{"rank": r["rank"], "name": r["name"], "category": r["category"], "score": round(r["score"], 4),
              "rank_low": r.get("rank_low"), "rank_high": r.get("rank_high")} for r in rows]
    n = len(table)
    plt, fig = _figure(width, height or max(2.0, 0.28 * n + 1.0))
    has_ci = any(r["rank_low"] is not None for r in table)
    axes = fig.subplots(1, 2 if has_ci else 1, sharey=True, gridspec_kw={"wspace": 0.08}) if has_ci else \
        [fig.subplots()]
    ys = list(range(n))[::-1]
    colors = colors or {}
    cats = sorted({r["category"] for r in table})
    color_of = {c: colors.get(c, category_color(c)) for c in cats}  # the page's colours
    ax = axes[0]
    for y, r in zip(ys, table):
        ax.plot([0, r["score"]], [y, y], color="#cccccc", lw=1, zorder=1)
        ax.scatter(r["score"], y, color=color_of[r["category"]], s=28, zorder=2)
    ax.set_yticks(ys, [f"{r['rank']}. {r['name']}" for r in table])
    ax.set_xlabel("consensus score (-log10 RRA rho)")
    ax.set_xlim(left=0)
    handles = [plt.Line2D([], [], marker="o", ls="", color=color_of[c], label=c) for c in cats]
    ax.legend(handles=handles, frameon=False, loc="lower right", fontsize=8)
    if has_ci:
        bx = axes[1]
        for y, r in zip(ys, table):
            if r["rank_low"] is not None:
                bx.plot([r["rank_low"], r["rank_high"]], [y, y], color="#555555", lw=2, solid_capstyle="butt")
                bx.scatter(r["rank"], y, color="black", s=12, zorder=3)
        bx.set_xlabel("rank (95% bootstrap interval)")
        bx.invert_xaxis()
        bx.tick_params(axis="y", left=False)
    fig.suptitle(title, fontsize=11, x=0.02, ha="left")
    _save(plt, fig, out, dpi)
    return table


STAGES = ("donor", "cargo_class", "recipient", "phenotype")


def flow_table(G) -> list[dict]:
    """Counts of communication records per donor -> cargo class -> recipient -> phenotype path."""
    counts: Counter = Counter()
    for rec, cat in G.nodes(data="category"):
        if cat != "CommunicationRecord":
            continue
        donors = [G.nodes[u]["name"] for u, _, k in G.in_edges(rec, keys=True) if k == "RELEASES"]
        out = [(v, k, d) for _, v, k, d in G.out_edges(rec, keys=True, data=True)]
        classes = sorted({G.nodes[v]["category"] for v, k, _ in out if k == "CARRIES"})
        recips = [G.nodes[v]["name"] for v, k, _ in out if k == "TAKEN_UP_BY"]
        phens = [G.nodes[v]["name"] for v, k, d in out if k == "CAUSES" and d.get("effect", "promotes") == "promotes"]
        for d in donors:
            for c in classes:
                for r in recips:
                    for p in phens or ["(none)"]:
                        counts[(d, c, r, p)] += 1
    rows = [dict(zip(STAGES, k), records=v) for k, v in counts.items()]
    return sorted(rows, key=lambda r: (-r["records"], r["donor"], r["cargo_class"], r["recipient"], r["phenotype"]))


def plot_flow(G, out, *, top=40, title="EV communication flow", width=10.0, height=6.0, dpi=300) -> list[dict]:
    """Alluvial diagram of the ``top`` heaviest flows; returns the drawn table."""
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MPath

    table = flow_table(G)[:top]
    plt, fig = _figure(width, height)
    fig.set_layout_engine(None)
    ax = fig.add_axes([0.02, 0.02, 0.96, 0.9])
    ax.axis("off")
    total = sum(r["records"] for r in table) or 1
    gap = 0.012
    xs = [0.0, 1.0, 2.0, 3.0]
    bar = 0.08
    spans = {}  # (stage, name) -> (bottom, top, records through it)
    for i, stage in enumerate(STAGES):
        weights = Counter()
        for r in table:
            weights[r[stage]] += r["records"]
        names = sorted(weights, key=lambda k: (-weights[k], k))
        room = 1.0 - gap * max(len(names) - 1, 0)
        y = 1.0
        for name in names:
            h = room * weights[name] / total
            spans[(stage, name)] = (y - h, y, weights[name])
            shade = CATEGORY_COLORS.get(name, "#444444") if stage == "cargo_class" else "#444444"
            ax.add_patch(Rectangle((xs[i] - bar / 2, y - h), bar, h, color=shade))
            ax.text(xs[i] + (bar / 2 + 0.02 if i < 3 else -bar / 2 - 0.02), y - h / 2, name,
                    ha="left" if i < 3 else "right", va="center", fontsize=7)
            y -= h + gap
    palette = ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#999999", "#F0E442"]
    donors = sorted({r["donor"] for r in table})
    color_of = {d: palette[i % len(palette)] for i, d in enumerate(donors)}
    # each bar is filled from the top, separately by outgoing and by incoming ribbons
    out_cursor = {k: v[1] for k, v in spans.items()}
    in_cursor = dict(out_cursor)

    def share(key, records):
        bottom, top, through = spans[key]
        return (top - bottom) * records / through

    codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO, MPath.CURVE4, MPath.CURVE4,
             MPath.CURVE4, MPath.CLOSEPOLY]
    for r in table:
        for i in range(3):
            a, b = (STAGES[i], r[STAGES[i]]), (STAGES[i + 1], r[STAGES[i + 1]])
            h, h2 = share(a, r["records"]), share(b, r["records"])
            y0, y1 = out_cursor[a], in_cursor[b]
            x0, x1 = xs[i] + bar / 2, xs[i + 1] - bar / 2
            xm = (x0 + x1) / 2
            verts = [(x0, y0), (xm, y0), (xm, y1), (x1, y1), (x1, y1 - h2), (xm, y1 - h2), (xm, y0 - h), (x0, y0 - h),
                     (x0, y0)]
            ax.add_patch(PathPatch(MPath(verts, codes), facecolor=color_of[r["donor"]], alpha=0.45, lw=0))
            out_cursor[a] -= h
            in_cursor[b] -= h2
    for i, stage in enumerate(("donor cell", "cargo class", "recipient cell", "phenotype")):
        ax.text(xs[i], 1.03, stage, ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xlim(-0.3, 3.3)
    ax.set_ylim(-0.02, 1.08)
    fig.suptitle(f"{title} (top {len(table)} flows, {total} record paths)", fontsize=11, x=0.02, ha="left")
    _save(plt, fig, out, dpi)
    return table
