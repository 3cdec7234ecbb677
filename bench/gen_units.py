#!/usr/bin/env python3
"""Writes a units table of N units into a campaign folder for bench/units: 10 % schools (each with
a roster of 40 students), 40 % villages, and police stations, 警务室, bank branches and companies
for the rest; and a [units] section in its config.toml giving each type the materials the
benchmark asks for (every unit a contact poster, schools their letters, villages their card).

    bench/gen_units.py CAMPAIGN_DIR [N]
"""
import os
import sys

TYPES = [  # (type, id prefix, share of the units)
    ("学校", "school", 0.10),
    ("村社区", "village", 0.40),
    ("派出所", "pcs", 0.05),
    ("警务室", "jws", 0.15),
    ("银行网点", "bank", 0.20),
    ("企业", "firm", 0.10),
]

CONFIG = """
[units]
[[units.types]]
name = "学校"
audiences = ["@/audiences/students.md", "@/audiences/parents.md"]
materials = ["poster", "letter"]
[[units.types]]
name = "村社区"
audiences = ["@/audiences/villagers.md", "@/audiences/elderly.md"]
materials = ["poster", "notice"]
[[units.types]]
name = "派出所"
materials = ["poster"]
[[units.types]]
name = "警务室"
materials = ["poster"]
[[units.types]]
name = "银行网点"
audiences = ["@/audiences/elderly.md"]
materials = ["poster"]
[[units.types]]
name = "企业"
audiences = ["@/audiences/finance-staff.md"]
materials = ["poster"]
"""


def phone(i):
    return f"138{i:08d}"


def main():
    root = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rows = ["编号,名称,类型,上级,地址,联系人,联系电话,片区民警,民警电话,村干部,村干部电话"]
    os.makedirs(os.path.join(root, "rosters"), exist_ok=True)
    made = 0
    for t, (kind, prefix, share) in enumerate(TYPES):
        count = round(n * share) if t < len(TYPES) - 1 else n - made
        for i in range(count):
            made += 1
            uid = f"{prefix}-{i + 1:04d}"
            name = f"示例县{kind}{i + 1}号"
            cadre = f"村干部{i + 1},{phone(500000 + made)}" if kind == "村社区" else ","
            rows.append(
                f"{uid},{name},{kind},,示例县{i % 20 + 1}镇{i + 1}号,"
                f"联系人{i + 1},{phone(made)},民警{i % 50 + 1},{phone(900000 + i % 50)},{cadre}"
            )
            if kind == "学校":
                with open(os.path.join(root, "rosters", f"{uid}.csv"), "w", encoding="utf-8") as f:
                    f.write("班级,姓名\n")
                    for s in range(40):
                        f.write(f"{s // 20 + 1}年级{s % 3 + 1}班,学生{s + 1:02d}号\n")
    with open(os.path.join(root, "units.csv"), "w", encoding="utf-8-sig") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(root, "config.toml"), "a", encoding="utf-8") as f:
        f.write(CONFIG)


if __name__ == "__main__":
    main()
