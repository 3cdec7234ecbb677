#!/usr/bin/env python3
"""The report of bench/units: medians of each measurement, the issue's limits, and the cost per
material from the builds with one material switched off.

    bench/units_report.py TIMES.tsv CAMPAIGN_DIR
"""
import csv
import os
import statistics
import sys


def main():
    times, campaign = sys.argv[1], sys.argv[2]
    runs = {}
    for label, wall, user, system, kib in csv.reader(open(times), delimiter="\t"):
        runs.setdefault(label, []).append((float(wall), float(user) + float(system), int(kib)))

    def med(label, i):
        return statistics.median(r[i] for r in runs[label])

    print("| measurement | wall (s) | CPU (s) | peak memory (MiB) | runs |")
    print("|---|---:|---:|---:|---:|")
    for label in runs:
        print(f"| {label} | {med(label, 0):.2f} | {med(label, 1):.2f} | {med(label, 2) / 1024:.0f} | {len(runs[label])} |")

    single = med("single build, cold", 0)
    shards = sum(med(f"shard {k}/4, cold", 0) for k in range(1, 5)) + med("merge of 4 shards", 0)
    edit = med("one unit's row edited", 0)
    peak = max(r[2] for label in runs for r in runs[label] if not label.startswith("without")) / 1024
    print()
    print("| target | limit | measured | |")
    print("|---|---|---|---|")
    print(f"| cold build, 2 cores | ≤ 90 s | {single:.1f} s | {'met' if single <= 90 else 'NOT met'} |")
    print(f"| peak memory | ≤ 1024 MiB | {peak:.0f} MiB | {'met' if peak <= 1024 else 'NOT met'} |")
    print(f"| one row edited | ≤ 5 s | {edit:.2f} s | {'met' if edit <= 5 else 'NOT met'} |")
    ratio = shards / single
    print(f"| 4 shards one after another + merge | ≤ 1.3 × single | {shards:.1f} s = {ratio:.2f} × | {'met' if ratio <= 1.3 else 'NOT met'} |")

    schools = len(os.listdir(os.path.join(campaign, "rosters")))
    rows = open(os.path.join(campaign, "units.csv"), encoding="utf-8-sig").read().splitlines()[1:]
    villages = sum(1 for r in rows if ",村社区," in r)
    made = {"poster": (len(rows), "contact posters"), "letter": (schools, "school letters (40 pages each)"),
            "notice": (villages, "village notice cards")}
    print()
    print("| material | made | cost of all (wall s) | per material (wall ms) | per material (CPU ms) |")
    print("|---|---:|---:|---:|---:|")
    for m, (count, what) in made.items():
        label = f"without {m}, cold"
        if label not in runs:
            continue
        wall = single - med(label, 0)
        cpu = med("single build, cold", 1) - med(label, 1)
        print(f"| {what} | {count} | {wall:.1f} | {wall / count * 1000:.0f} | {cpu / count * 1000:.0f} |")


if __name__ == "__main__":
    main()
