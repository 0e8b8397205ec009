#!/usr/bin/env python3
"""Draws BenchmarkDotNet CSV reports as an SVG bar chart of ratios, and prints them as a markdown table (stdlib only).

Usage: python3 benchmarks/plot.py [RESULTS_DIR] [OUTPUT_SVG]
  RESULTS_DIR  folder holding *-report.csv files (default: benchmarks/results)
  OUTPUT_SVG   chart to write (default: docs/benchmarks-ratios.svg)

Each row is one benchmark case. Two ratios to the class's baseline (the primitive floor) are computed: BenchmarkDotNet's own
Ratio (from means) and the ratio of medians, which a busy shared machine disturbs far less. CSVs written by the benchmarks'
--quick mode (results=DIR) carry their own ratios: the fastest batch's, and the median over rounds of the ratio to the floor
timed in the same round, which is the one charted. The chart draws the median ratio on a
log scale with the floor at 1x, labelled with the bytes allocated per operation; ours are blue, floors grey, other libraries
orange. The markdown table (stdout) carries both ratios, the median time and the allocation.
"""
import csv
import glob
import html
import math
import os
import sys

ROW_HEIGHT = 22
LABEL_WIDTH = 420
CHART_WIDTH = 560
VALUE_WIDTH = 170
MIN_RATIO, MAX_RATIO = 0.01, 100.0


def read_reports(folder):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "*-report.csv"))):
        # "JwtSessions.Benchmarks.ValidateHs256Benchmarks-report.csv"; --quick adds the parameter ("...-ES256-report.csv").
        scenario = os.path.basename(path).split("-report")[0].split(".")[-1].split("-")[0]
        with open(path, newline="", encoding="utf-8") as handle:
            text = handle.read()
        delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        for record in csv.DictReader(text.splitlines(), delimiter=delimiter):
            rows.append((scenario, record))
    return rows


def parse_ratio(text):
    text = (text or "").strip().replace(",", "")
    if not text or text in ("NA", "?", "-"):
        return None
    try:
        return float(text.rstrip("x"))
    except ValueError:
        return None


UNITS = {"ns": 1.0, "us": 1e3, "\u03bcs": 1e3, "\u00b5s": 1e3, "ms": 1e6, "s": 1e9}


def parse_time(text):
    """'3,572.95 ns' or '2.937 \u03bcs' -> nanoseconds."""
    parts = (text or "").replace(",", "").split()
    if len(parts) != 2 or parts[1] not in UNITS:
        return None
    try:
        return float(parts[0]) * UNITS[parts[1]]
    except ValueError:
        return None


def add_median_ratios(rows):
    """Adds 'MedianRatio' to each record: its median over the median of the baseline (the Floor) of its group, or, for the
    CSVs of the benchmarks' --quick mode, its median over rounds of the ratio to the floor timed in the same round."""
    if is_quick(rows):
        for _, record in rows:
            record["MedianRatio"] = parse_ratio(record.get("RoundRatio"))
        return
    baselines = {}
    for scenario, record in rows:
        if "Floor" in record.get("Method", "") and (parse_ratio(record.get("Ratio")) or 0) > 0.5:
            key = (scenario, record.get("Algorithm"))
            baselines.setdefault(key, parse_time(record.get("Median")))
    for scenario, record in rows:
        base = baselines.get((scenario, record.get("Algorithm")))
        median = parse_time(record.get("Median"))
        record["MedianRatio"] = median / base if base and median else None


def is_quick(rows):
    return bool(rows) and all("RoundRatio" in record for _, record in rows)


def markdown(rows):
    header = ("| Scenario | Method | Fastest | Ratio (fastest) | Ratio (per round, median) | Allocated |" if is_quick(rows)
              else "| Scenario | Method | Median | Ratio (BDN, means) | Ratio (medians) | Allocated |")
    lines = [header, "|---|---|---:|---:|---:|---:|"]
    for scenario, record in rows:
        group = scenario + (f" [{record['Algorithm']}]" if record.get("Algorithm") else "")
        ratio = parse_ratio(record.get("Ratio"))
        median_ratio = record.get("MedianRatio")
        lines.append(f"| {group} | {record.get('Method')} | {(record.get('Median') or '').strip()} | "
                     f"{'' if ratio is None else f'{ratio:.2f}'} | {'' if median_ratio is None else f'{median_ratio:.2f}'} | "
                     f"{(record.get('Allocated') or '').strip()} |")
    return "\n".join(lines)


def kind(method):
    if "Floor" in method:
        return "floor"
    if method.startswith("Ours"):
        return "ours"
    return "other"


def x_of(ratio):
    ratio = min(max(ratio, MIN_RATIO), MAX_RATIO)
    span = math.log10(MAX_RATIO) - math.log10(MIN_RATIO)
    return LABEL_WIDTH + (math.log10(ratio) - math.log10(MIN_RATIO)) / span * CHART_WIDTH


def draw(rows, title):
    colors = {"ours": "#2f6fdf", "floor": "#9a9a9a", "other": "#e08a2c"}
    lines = []
    y = 40
    previous = None
    for scenario, record in rows:
        method = record.get("Method", "?")
        parameter = record.get("Algorithm")
        group = scenario + (f" [{parameter}]" if parameter else "")
        if group != previous:
            y += 10
            lines.append(f'<text x="8" y="{y + 14}" font-weight="bold">{html.escape(group)}</text>')
            y += ROW_HEIGHT
            previous = group
        ratio = record.get("MedianRatio")
        allocated = (record.get("Allocated") or "-").strip()
        lines.append(f'<text x="24" y="{y + 15}">{html.escape(method)}</text>')
        if ratio is not None:
            x0, x1 = x_of(MIN_RATIO), x_of(ratio)
            lines.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 1):.1f}" height="{ROW_HEIGHT - 6}" '
                         f'fill="{colors[kind(method)]}"/>')
            label = f"{ratio:.3g}x, {allocated}"
        else:
            label = f"n/a, {allocated}"
        lines.append(f'<text x="{LABEL_WIDTH + CHART_WIDTH + 8}" y="{y + 15}">{html.escape(label)}</text>')
        y += ROW_HEIGHT
    height = y + 40
    axis = []
    decade = MIN_RATIO
    while decade <= MAX_RATIO * 1.0001:
        x = x_of(decade)
        axis.append(f'<line x1="{x:.1f}" y1="30" x2="{x:.1f}" y2="{y}" stroke="{"#333" if decade == 1 else "#ddd"}" '
                    f'stroke-width="{2 if decade == 1 else 1}"/>')
        axis.append(f'<text x="{x:.1f}" y="{y + 18}" text-anchor="middle">{decade:g}x</text>')
        decade *= 10
    width = LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="8" y="20" font-size="14" font-weight="bold">{html.escape(title)}</text>',
        *axis, *lines,
        f'<text x="8" y="{height - 6}" fill="#555">blue: JwtSessions, grey: floors, orange: Microsoft.IdentityModel</text>',
        "</svg>", ""])


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join("benchmarks", "results")
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join("docs", "benchmarks-ratios.svg")
    rows = read_reports(folder)
    if not rows:
        sys.exit(f"no *-report.csv in {folder}")
    add_median_ratios(rows)
    with open(output, "w", encoding="utf-8") as handle:
        title = ("Time / time of the primitive floor in the same round, median of the rounds (log scale; 1x = the floor)"
                 if is_quick(rows) else
                 "Median time / median time of the primitive floor (log scale; 1x = the floor, lower is faster)")
        handle.write(draw(rows, title))
    print(markdown(rows))
    print(f"\nwrote {output} ({len(rows)} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
