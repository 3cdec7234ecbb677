#!/usr/bin/env python3
"""Turns bench/run's timings into Markdown tables of medians.

    bench/report.py SITE_TSV KITS_TSV [FULL_TSV]

Each TSV line: label, size, wall s, user s, system s, peak resident KiB (from GNU time).
"""

import sys
from statistics import median


def load(path):
    runs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, size, wall, user, system, peak = line.rstrip("\n").split("\t")
            cpu = float(user) + float(system)
            runs.setdefault((label, size), []).append((float(wall), cpu, int(peak) / 1024))
    return runs


def medians(samples):
    return tuple(median(s[i] for s in samples) for i in range(3))


def site_table(runs):
    sizes = sorted({size for _, size in runs}, key=int)
    print("Site only, fanzha against Hugo (medians; ratio = fanzha / Hugo):\n")
    print("| pages | tool | runs | wall s | CPU s (user+sys) | peak MiB |")
    print("|------:|------|-----:|-------:|-----------------:|---------:|")
    ratios = []
    for size in sizes:
        m = {}
        for tool in ("fanzha", "hugo"):
            samples = runs.get((tool, size), [])
            if not samples:
                continue
            m[tool] = medians(samples)
            w, c, p = m[tool]
            print(f"| {int(size):,} | {tool} | {len(samples)} | {w:.2f} | {c:.2f} | {p:.0f} |")
        if len(m) == 2:
            (fw, fc, fp), (hw, hc, hp) = m["fanzha"], m["hugo"]
            print(f"| {int(size):,} | **ratio** | | **{fw / hw:.2f}** | {fc / hc:.2f} | {fp / hp:.2f} |")
            ratios.append((size, fw / hw, fp))
        samples = runs.get(("fanzha + search", size), [])
        if samples and "hugo" in m:
            w, c, p = medians(samples)
            hw = m["hugo"][0]
            print(f"| {int(size):,} | fanzha + search index | {len(samples)} | {w:.2f} | {c:.2f} | {p:.0f} |")
            ratios.append((size + " with the search index", w / hw, p))
    print()
    for size, ratio, peak in ratios:
        pages, _, rest = size.partition(" ")
        print(f"- {int(pages):,} pages{' ' + rest if rest else ''}: fanzha takes {ratio:.2f} × Hugo's wall time, peak {peak:.0f} MiB")
    print()


def kits_table(runs):
    if not runs:
        return
    order = [label for label, _ in runs]
    base = runs.get(("site only", "campaign"))
    base_wall = medians(base)[0] if base else None
    print("Default campaign (this repository), each variant in a fresh process (medians):\n")
    print("| build | runs | wall s | CPU s (user+sys) | peak MiB | wall s beyond site only |")
    print("|-------|-----:|-------:|-----------------:|---------:|------------------------:|")
    for label in dict.fromkeys(order):
        samples = runs[(label, "campaign")]
        w, c, p = medians(samples)
        extra = "" if base_wall is None or label == "site only" else f"{w - base_wall:+.2f}"
        print(f"| {label} | {len(samples)} | {w:.2f} | {c:.2f} | {p:.0f} | {extra} |")
    print()


def full_table(runs):
    if not runs:
        return
    sizes = sorted({size for _, size in runs}, key=int)
    print("Everything on (default theme: site, search, share cards, print and screen kits), against")
    print("Hugo followed by the Pagefind command line (medians):\n")
    print("| pages | build | runs | wall s | CPU s (user+sys) | peak MiB | ratio |")
    print("|------:|-------|-----:|-------:|-----------------:|---------:|------:|")
    for size in sizes:
        peer = runs.get(("hugo + pagefind", size))
        cold = runs.get(("fanzha cold", size))
        peer_wall = medians(peer)[0] if peer else None
        cold_wall = medians(cold)[0] if cold else None
        for label, against, what in [
            ("hugo + pagefind", None, ""),
            ("fanzha cold", peer_wall, "× Hugo + Pagefind"),
            ("fanzha unchanged", cold_wall, "× its cold build"),
            ("fanzha from the cache, empty output", cold_wall, "× its cold build"),
            ("fanzha one page edited", cold_wall, "× its cold build"),
        ]:
            samples = runs.get((label, size))
            if not samples:
                continue
            w, c, p = medians(samples)
            ratio = f"{w / against:.2f} {what}" if against else ""
            print(f"| {int(size):,} | {label} | {len(samples)} | {w:.2f} | {c:.2f} | {p:.0f} | {ratio} |")
    print()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    site_table(load(sys.argv[1]))
    kits_table(load(sys.argv[2]))
    if len(sys.argv) == 4:
        full_table(load(sys.argv[3]))
