#!/usr/bin/env python3
"""Generates a claims CSV for the batch benchmark (make bench): ROWS settled visits of about
ROWS/6 residents over 2024, in settlement-date order (a person's visits interleaved with everyone
else's, as a claims system exports them), with --grouped: each person's rows together.

Usage: gen.py ROWS OUT.csv [--grouped] [--seed N]

The mix is a county's year of resident claims under gansu-2018: mostly general outpatient at
village and township clinics, some inpatient stays (a few large ones, so that 大病保险 pays),
day surgery, chronic and “两病” outpatient visits for residents with those conditions, and every
category, with and without the bill's split (out_of_catalog, class_b_self_pay).
"""
import random
import sys


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    rows, out = int(args[0]), args[1]
    grouped = "--grouped" in args
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 2026
    rnd = random.Random(seed)
    persons = max(1, rows // 6)
    categories = ["ordinary"] * 88 + ["low_income"] * 6 + ["extreme_poverty"] * 1 + ["poverty_registered"] * 3 + ["marginal_low_income"] * 2
    people = []
    for p in range(persons):
        conditions = []
        if rnd.random() < 0.25:
            conditions.append("hypertension")
        if rnd.random() < 0.10:
            conditions.append("diabetes")
        people.append((f"P{p:08d}", rnd.choice(categories), ";".join(conditions), conditions))

    def visit(i):
        pid, category, cond_text, conds = people[rnd.randrange(persons)] if not grouped else people[min(i * persons // rows, persons - 1)]
        r = rnd.random()
        day = rnd.randrange(366)
        month, dom = 1 + day // 31 % 12, 1 + day % 28
        date = f"2024-{month:02d}-{dom:02d}"
        condition, referral, referred_from = "", "", ""
        ooc = cb = ""
        if r < 0.55:
            kind, level = "general_outpatient", rnd.choice(["village", "village", "township", "township", "county"])
            total = rnd.randrange(2000, 40000)
        elif r < 0.70 and conds:
            kind, level, condition = "two_diseases_outpatient" if rnd.random() < 0.4 else "chronic_outpatient", rnd.choice(["township", "county"]), rnd.choice(conds)
            total = rnd.randrange(5000, 120000)
        elif r < 0.93:
            kind, level = "inpatient", rnd.choice(["township", "county", "county", "municipal", "provincial"])
            total = rnd.randrange(200000, 3000000) if rnd.random() < 0.9 else rnd.randrange(3000000, 30000000)
            if rnd.random() < 0.1 and level != "township":
                referral, referred_from = "upward", "township"
        else:
            kind, level = "day_surgery", rnd.choice(["county", "municipal"])
            total = rnd.randrange(300000, 1500000)
        if rnd.random() < 0.7:
            o = total * rnd.randrange(0, 200) // 1000
            b = (total - o) * rnd.randrange(0, 100) // 1000
            ooc, cb = f"{o // 100}.{o % 100:02d}", f"{b // 100}.{b % 100:02d}"
        return (date, f"C{i:09d}", pid, category, cond_text, kind, level, f"{total // 100}.{total % 100:02d}", ooc, cb, referral, referred_from, condition)

    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("claim_id,person_id,category,conditions,kind,level,date,total,out_of_catalog,class_b_self_pay,referral,referred_from,condition\n")
        chunk = 200_000
        for start in range(0, rows, chunk):
            batch = [visit(i) for i in range(start, min(rows, start + chunk))]
            if not grouped:
                batch.sort(key=lambda v: v[0])
            f.write("".join(f"{c},{p},{cat},{cs},{k},{l},{d},{t},{o},{b},{rf},{rff},{cd}\n" for d, c, p, cat, cs, k, l, t, o, b, rf, rff, cd in batch))


main()
