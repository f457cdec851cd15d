#!/usr/bin/env python3
"""Corpus generator for the yibao byte-identity harness (stdlib only, seeded).

Writes $CORPUS/cases/*.json (raw case text; CORPUS defaults to target/corpus), $CORPUS/packs/*.json
(packs for --policy / validate) and $CORPUS/cases/manifest.tsv with one line per case:
    NAME <TAB> GROUP <TAB> EXTRA_ARGS
GROUP is example | valid | invalid | packcase; EXTRA_ARGS is a space-separated list of extra CLI
args (e.g. `--policy $CORPUS/packs/example.json`), or empty. Used by compare.sh (the CLI's output
byte for byte against another build) and by fuzz/ (seeds).
"""
import copy
import json
import os
import random
import shutil
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ROOT = os.path.abspath(os.environ.get("CORPUS", os.path.join(REPO, "target", "corpus")))
CASES = os.path.join(ROOT, "cases")
PACKS = os.path.join(ROOT, "packs")
SPEC_PACK = os.path.join(REPO, "..", "shared", "spec", "example-policy.json")
SEED = int(os.environ.get("SEED", "20240510"))
rng = random.Random(SEED)


# ---------------------------------------------------------------- a JSON writer with raw text
class Raw:
    """Literal JSON text (numbers exactly as written, or broken text)."""
    def __init__(self, text):
        self.text = text


class Pairs:
    """An object as a list of (key, value) pairs: allows repeated keys."""
    def __init__(self, pairs):
        self.pairs = pairs


def dump(v, pretty=False, ind=0):
    nl = "\n" + " " * (ind + 2) if pretty else ""
    end = "\n" + " " * ind if pretty else ""
    sep = ", " if not pretty else ","
    if isinstance(v, Raw):
        return v.text
    if isinstance(v, Pairs):
        items = v.pairs
    elif isinstance(v, dict):
        items = list(v.items())
    else:
        items = None
    if items is not None:
        if not items:
            return "{}"
        return "{" + sep.join(nl + json.dumps(k, ensure_ascii=False) + ": " + dump(x, pretty, ind + 2) for k, x in items) + end + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[" + sep.join(nl + dump(x, pretty, ind + 2) for x in v) + end + "]"
    return json.dumps(v, ensure_ascii=False)


# ---------------------------------------------------------------- vocabulary and packs
CATEGORIES = ["ordinary", "low_income", "extreme_poverty", "poverty_registered", "marginal_low_income"]
KINDS = ["inpatient", "day_surgery", "accident_inpatient", "general_outpatient", "chronic_outpatient", "two_diseases_outpatient"]
LEVELS = ["village", "township", "county", "municipal", "provincial"]
INPATIENT_LEVELS = LEVELS[1:]  # no village inpatient benefit in any bundled pack
REFERRALS = ["none", "upward", "downward", "alliance", "unreferred"]
CONDITIONS = ["hypertension", "hypertension_complicated", "diabetes", "diabetes_insulin", "heart_failure",
              "coronary_heart_disease", "stroke", "copd"]
YTD_KEYS = ["basic_inpatient_paid", "general_outpatient_paid", "critical_compliant", "critical_paid", "assistance_paid",
            "general_outpatient_deductible_paid", "chronic_deductible_paid", "assistance_deductible_paid"]
BUNDLED = {  # id: (region code, effective from)
    "national-baseline": ("000000", "2018-01-01"),
    "gansu-2018": ("620000", "2018-06-01"),
    "qujing-2022": ("530300", "2022-08-01"),
    "guangdong-2025": ("440000", "2025-07-31"),
    "jinan-2023": ("341502", "2023-06-30"),
    "fengze-2021": ("350503", "2021-11-25"),
}
MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def rand_date(start="2018-01-01", end_year=2027):
    y0, m0, d0 = map(int, start.split("-"))
    while True:
        y = rng.randint(y0, end_year)
        m = rng.randint(1, 12)
        dim = 29 if (m == 2 and leap(y)) else MDAYS[m - 1]
        d = rng.randint(1, dim)
        if (y, m, d) >= (y0, m0, d0):
            return f"{y:04d}-{m:02d}-{d:02d}"


def cents_text(c, decimals=None):
    """Amount in cents as text with 0–2 decimals (only drops decimals that are zero)."""
    whole, frac = divmod(c, 100)
    if decimals is None:
        if frac == 0:
            decimals = rng.choice([0, 0, 0, 1, 2])
        elif frac % 10 == 0:
            decimals = rng.choice([1, 2])
        else:
            decimals = 2
    if decimals == 0:
        assert frac == 0
        return str(whole)
    if decimals == 1:
        assert frac % 10 == 0
        return f"{whole}.{frac // 10}"
    return f"{whole}.{frac:02d}"


def amount(c, as_number=None):
    t = cents_text(c)
    if as_number is None:
        as_number = rng.random() < 0.35
    return Raw(t) if as_number else t


def rand_cents(hi_yuan, round_to=None):
    r = rng.random()
    if r < 0.05:
        return 0
    if round_to is None:
        round_to = rng.choice([1, 1, 10, 100, 100, 10000])
    c = rng.randint(0, hi_yuan * 100) // round_to * round_to
    return c


# ---------------------------------------------------------------- valid cases
def total_for(kind):
    hi = {"inpatient": 300000, "day_surgery": 40000, "accident_inpatient": 150000,
          "general_outpatient": 1500, "chronic_outpatient": 8000, "two_diseases_outpatient": 1200}[kind]
    if rng.random() < 0.03:
        hi = 3000000  # large bills up to the sanity bound's neighbourhood
    return max(1, rand_cents(hi))


def make_visit(person_conditions, start, numbers):
    kind = rng.choice(KINDS)
    if kind == "chronic_outpatient" and not person_conditions:
        kind = "general_outpatient"
    two = [c for c in person_conditions if c in ("hypertension", "diabetes")]
    if kind == "two_diseases_outpatient" and not two:
        kind = "inpatient"
    if kind in ("inpatient", "day_surgery", "accident_inpatient"):
        level = rng.choice(INPATIENT_LEVELS)
    else:
        level = rng.choice(LEVELS)
    v = {}
    order = ["kind", "level", "date", "total"]
    v["kind"] = kind
    v["level"] = level
    v["date"] = rand_date(start)
    tc = total_for(kind)
    v["total"] = amount(tc, numbers)
    split = rng.random()
    e = tc
    if split < 0.45:
        r_ = rng.choice([1, 1, 100])
        ooc = rng.randint(0, tc * 3 // 10) // r_ * r_
        e -= ooc
        v["out_of_catalog"] = amount(ooc, numbers)
        if rng.random() < 0.7:
            cb = rng.randint(0, e // 5)
            e -= cb
            v["class_b_self_pay"] = amount(cb, numbers)
    elif split < 0.6:
        cb = rng.randint(0, tc // 5)
        e -= cb
        v["class_b_self_pay"] = amount(cb, numbers)
    else:
        e = tc * 8 // 10  # estimated split with share >= 0.85 keeps at least this much
    if rng.random() < 0.25:
        v["tcm"] = amount(rng.randint(0, max(0, e // 3)), numbers)
    if kind in ("inpatient", "day_surgery", "accident_inpatient") or rng.random() < 0.2:
        r = rng.choice(REFERRALS + ["none", "none"])
        if r == "upward":
            lower = [l for l in LEVELS if LEVELS.index(l) < LEVELS.index(level)]
            if lower:
                v["referral"] = r
                v["referred_from"] = rng.choice(lower)
            else:
                v["referral"] = "downward"
        elif r != "none" or rng.random() < 0.5:
            v["referral"] = r
    if kind == "chronic_outpatient":
        v["condition"] = rng.choice(person_conditions)
    elif kind == "two_diseases_outpatient":
        v["condition"] = rng.choice(two)
    # shuffle key order sometimes
    if rng.random() < 0.2:
        items = list(v.items())
        rng.shuffle(items)
        v = dict(items)
    return v


def make_valid(pid=None):
    if pid is None:
        pid = rng.choice(list(BUNDLED))
    region, start = BUNDLED[pid]
    numbers = None if rng.random() < 0.5 else rng.choice([True, False])
    case = {}
    how = rng.random()
    extra = ""
    if how < 0.8:
        case["policy"] = pid
    elif how < 0.95:
        case["region"] = region
    else:
        case["policy"] = pid
        case["region"] = region
    person = {"category": rng.choice(CATEGORIES)}
    conds = []
    if rng.random() < 0.6:
        conds = rng.sample(CONDITIONS, rng.randint(1, 4))
        person["conditions"] = conds
    elif rng.random() < 0.2:
        person["conditions"] = []
    if rng.random() < 0.35:
        ytd = {}
        for k in rng.sample(YTD_KEYS, rng.randint(1, len(YTD_KEYS))):
            ytd[k] = amount(rand_cents(rng.choice([500, 5000, 50000, 200000])), numbers)
        person["year_to_date"] = ytd
    elif rng.random() < 0.1:
        person["year_to_date"] = {}
    case["person"] = person
    # keep all visits in one or two years sometimes, to exercise accumulators
    n = rng.randint(1, 6)
    visits = [make_visit(conds, start, numbers) for _ in range(n)]
    if n > 1 and rng.random() < 0.6:
        y = visits[0]["date"][:4]
        for v in visits:
            d = y + v["date"][4:]
            if d.endswith("02-29") and not leap(int(y)):
                d = d[:-2] + "28"
            if d >= start:
                v["date"] = d
    case["visits"] = visits
    return case, extra


# ---------------------------------------------------------------- invalid cases
def base_case():
    while True:
        c, _ = make_valid(rng.choice(["gansu-2018", "national-baseline", "qujing-2022"]))
        if "policy" in c:
            return c


def some_visit(c):
    return rng.choice(c["visits"])


AMOUNT_FIELDS = ["total", "out_of_catalog", "class_b_self_pay", "tcm"]


def set_amount(c, val):
    v = some_visit(c)
    if rng.random() < 0.2 :
        c["person"].setdefault("year_to_date", {})[rng.choice(YTD_KEYS)] = val
    else:
        v[rng.choice(AMOUNT_FIELDS)] = val
    return c


BAD_AMOUNTS = [
    "-1", Raw("-1"), "-0", Raw("-0"), Raw("-0.0"), "-0.00", "1.234", Raw("1.234"), "0.001", Raw("0.001"), "100000000.01",
    Raw("100000000.01"), "100000001", Raw("100000001"), "100000000", Raw("100000000"), "1e3", Raw("1e3"), Raw("1E3"),
    Raw("1.5e-7"), Raw("1e-2"), Raw("1.5E+2"), "1.5e-7", "05000", Raw("05000"), "00", "0.", ".5", Raw(".5"),
    "1234567890123456789012345", Raw("1234567890123456789012345"), "0.00000000000000000000000001",
    Raw("1" + "0" * 40), Raw("-" + "9" * 30), "1,000", " 100", "100 ", "+100", Raw("+100"), "NaN", "Infinity",
    Raw("NaN"), Raw("Infinity"), "", "abc", "１００", "0x10", "1_000", Raw("100.0000"), "100.000", Raw("99999999.999"),
    [], {}, True, False, None, ["100"], {"value": "100"}, Raw("1.0e2"), Raw("-1e400"), Raw("1e400"), "12.", Raw("12.")
]


def inv_amount():
    c = base_case()
    return set_amount(c, copy.deepcopy(rng.choice(BAD_AMOUNTS)))


BAD_DATES = ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-4-1", "24-04-01", "2024/04/01",
             "2024-04-01T00:00:00", "", "20240401", "2024-04-01 ", "９９９９-01-01", "10000-01-01", "0000-01-01",
             "2100-02-29", "1999-12-31", "2017-12-31", "2018-05-31", Raw("20240401"), None, [], {}, True]


def inv_date():
    c = base_case()
    v = some_visit(c)
    v["date"] = copy.deepcopy(rng.choice(BAD_DATES))
    return c


def inv_unknown_field():
    c = base_case()
    where = rng.choice(["root", "person", "visit", "ytd"])
    name = rng.choice(["totl", "Kind", "extra", "notes", "policy_id", "", "kind ", "年份"])
    if where == "root":
        c[name] = "x"
    elif where == "person":
        c["person"][name] = 1
    elif where == "visit":
        some_visit(c)[name] = "1"
    else:
        c["person"].setdefault("year_to_date", {})[name] = "0"
    return c


def inv_vocab():
    c = base_case()
    field = rng.choice(["kind", "level", "category", "referral", "referred_from", "condition_person"])
    bad = rng.choice(["Inpatient", "hospital", "", "county ", "省级", "unknown", "INPATIENT", "outpatient", "village2",
                      Raw("1"), None, True, [], {}])
    if field == "category":
        c["person"]["category"] = bad
    elif field == "condition_person":
        c["person"]["conditions"] = [bad]
    elif field == "referred_from":
        v = some_visit(c)
        v["referral"] = "upward"
        v["referred_from"] = bad
    else:
        some_visit(c)[field] = bad
    return c


def inv_missing():
    c = base_case()
    what = rng.choice(["person", "visits", "category", "kind", "level", "date", "total", "policy"])
    if what in ("person", "visits"):
        del c[what]
    elif what == "category":
        del c["person"]["category"]
    elif what == "policy":
        c.pop("policy", None)
        c.pop("region", None)
    else:
        del some_visit(c)[what]
    return c


def inv_split():
    c = base_case()
    v = some_visit(c)
    t = rng.randint(100, 100000)
    v["total"] = str(t)
    r = rng.random()
    if r < 0.35:
        v["out_of_catalog"] = str(t + rng.choice([1, 100]) ) if rng.random() < 0.5 else f"{t}.01"
        v.pop("class_b_self_pay", None)
    elif r < 0.7:
        v["out_of_catalog"] = str(t // 2)
        v["class_b_self_pay"] = str(t - t // 2) + ".01"
    else:
        v.pop("out_of_catalog", None)
        v["class_b_self_pay"] = str(t + 1)
    return c


def inv_tcm():
    c = base_case()
    v = some_visit(c)
    t = rng.randint(100, 100000)
    v["total"] = str(t)
    v["out_of_catalog"] = str(t // 2)
    v["class_b_self_pay"] = "0"
    v["tcm"] = str(t - t // 2 + 1)
    return c


def inv_referral():
    c = base_case()
    v = some_visit(c)
    r = rng.random()
    if r < 0.4:
        v["referral"] = "upward"
        v.pop("referred_from", None)
    elif r < 0.7:
        v["referral"] = "upward"
        v["level"] = rng.choice(["township", "county"])
        v["referred_from"] = rng.choice(["county", "municipal", "provincial", v["level"]])
    else:
        v["referral"] = rng.choice(["none", "downward", "alliance", "unreferred"])
        v["referred_from"] = "village"
    return c


def inv_condition():
    c = base_case()
    v = some_visit(c)
    r = rng.random()
    for k in ("referral", "referred_from"):
        v.pop(k, None)
    if r < 0.25:
        v["kind"] = rng.choice(["chronic_outpatient", "two_diseases_outpatient"])
        v.pop("condition", None)
    elif r < 0.5:
        v["kind"] = rng.choice(["chronic_outpatient", "two_diseases_outpatient"])
        c["person"]["conditions"] = ["copd"]
        v["condition"] = rng.choice(["hypertension", "diabetes"])  # not held
    elif r < 0.7:
        v["kind"] = "two_diseases_outpatient"
        c["person"]["conditions"] = ["copd", "stroke"]
        v["condition"] = rng.choice(["copd", "stroke"])  # held, not a 两病
    elif r < 0.85:
        v["kind"] = "chronic_outpatient"
        c["person"]["conditions"] = ["gout"]
        v["condition"] = "gout"  # held, not covered
    else:
        v["kind"] = rng.choice(["inpatient", "general_outpatient"])
        v["level"] = "county"
        v["condition"] = "hypertension"
    return c


def inv_types():
    c = base_case()
    bad = copy.deepcopy(rng.choice([[], {}, True, False, None, Raw("1"), "x", [[]], [{}]]))
    where = rng.choice(["root", "person", "visits", "visit", "conditions", "ytd", "policy", "region"])
    if where == "root":
        return bad
    if where == "person":
        c["person"] = bad
    elif where == "visits":
        c["visits"] = bad
    elif where == "visit":
        c["visits"][0] = bad
    elif where == "conditions":
        c["person"]["conditions"] = bad
    elif where == "ytd":
        c["person"]["year_to_date"] = bad
    else:
        c.pop("policy", None)
        c[where] = bad
    return c


def inv_policy():
    c = base_case()
    r = rng.random()
    if r < 0.3:
        c["policy"] = rng.choice(["gansu-2019", "GANSU-2018", "", "national_baseline", "example", "gansu-2018 "])
    elif r < 0.55:
        del c["policy"]
        c["region"] = rng.choice(["620001", "000001", "", "110000", "62000", "6200000"])
    elif r < 0.8:  # visit before the pack's period
        pid = rng.choice(list(BUNDLED))
        c["policy"] = pid
        start = BUNDLED[pid][1]
        y = int(start[:4])
        some_visit(c)["date"] = rng.choice([f"{y - 1}-12-31", "2000-01-01", "2017-06-01"])
    else:  # by region, date before any pack of that region
        pid = rng.choice(list(BUNDLED))
        del c["policy"]
        c["region"] = BUNDLED[pid][0]
        some_visit(c)["date"] = "2017-12-31"
    return c


def inv_empty_visits():
    c = base_case()
    c["visits"] = []
    return c


def inv_repeated_key():
    c = base_case()
    v = some_visit(c)
    i = c["visits"].index(v)
    items = list(v.items())
    k = rng.choice(["total", "kind", "level", "date"])
    dup = {"total": "1", "kind": "inpatient", "level": "county", "date": "2024-01-01"}[k]
    items.append((k, dup))
    c["visits"][i] = Pairs(items)
    if rng.random() < 0.3:
        c = Pairs(list(c.items()) + [("policy", "national-baseline")])
    return c


def inv_nested():
    c = base_case()
    depth = rng.choice([64, 100, 127, 128, 129, 200, 256, 1000, 5000])
    nest = Raw("[" * depth + "]" * depth)
    where = rng.choice(["visits0", "root_extra", "conditions", "total", "whole"])
    if where == "whole":
        return nest
    if where == "visits0":
        c["visits"][0] = nest
    elif where == "root_extra":
        c["x"] = nest
    elif where == "conditions":
        c["person"]["conditions"] = nest
    else:
        some_visit(c)["total"] = nest
    return c


def inv_text():
    c = base_case()
    t = dump(c, pretty=rng.random() < 0.5)
    r = rng.randint(0, 11)
    if r == 0:  # trailing comma in an object
        return t[: t.rfind("}")].rstrip() + ",}"
    if r == 1:  # trailing comma in an array
        i = t.rfind("]")
        return t[:i].rstrip() + ",]" + t[i + 1:]
    if r == 2:  # truncated
        return t[: rng.randint(0, len(t) - 1)]
    if r == 3:  # comments
        return "// case\n" + t
    if r == 4:
        return t.replace("{", "{/* c */", 1)
    if r == 5:
        return t + " x"
    if r == 6:  # single quotes
        return t.replace('"', "'")
    if r == 7:  # bad escape / control character
        return t.replace('"visits"', '"vis\\qits"', 1) if rng.random() < 0.5 else t.replace('"person"', '"per\tson"', 1)
    if r == 8:
        return ""
    if r == 9:
        return "\ufeff" + t  # BOM
    if r == 10:
        return t.replace('"visits"', '"\\u0076isits"', 1)  # escaped key (valid JSON)
    return t + "\n" + t  # two documents


def inv_big():
    c = base_case()
    r = rng.random()
    if r < 0.5:  # many visits summing near the bound
        c["visits"] = [{"kind": "inpatient", "level": "provincial", "date": "2024-0%d-1%d" % (rng.randint(1, 9), rng.randint(0, 9)),
                        "total": "100000000", "out_of_catalog": "0"} for _ in range(rng.randint(2, 30))]
    else:
        some_visit(c)["total"] = rng.choice(["99999999.99", "100000000.00", Raw("100000000.00"), Raw("99999999.99")])
    return c


def inv_strings():
    c = base_case()
    v = some_visit(c)
    r = rng.random()
    if r < 0.3:
        v["condition"] = "高血压\u0000"
    elif r < 0.6:
        c["policy"] = "gansu\u20132018"  # an en dash where the id has a hyphen
    else:
        v["date"] = "２０２４-０１-０１"
    return c


def inv_benefit():
    c = base_case()
    v = some_visit(c)
    for k in ("referral", "referred_from", "condition"):
        v.pop(k, None)
    v["kind"] = rng.choice(["inpatient", "day_surgery", "accident_inpatient"])
    v["level"] = "village"
    return c


INVALID_GENS = [(inv_benefit, 10), 
    (inv_amount, 80), (inv_date, 35), (inv_unknown_field, 20), (inv_vocab, 35), (inv_missing, 25), (inv_split, 20),
    (inv_tcm, 8), (inv_referral, 20), (inv_condition, 30), (inv_types, 35), (inv_policy, 30), (inv_empty_visits, 3),
    (inv_repeated_key, 12), (inv_nested, 15), (inv_text, 30), (inv_big, 8), (inv_strings, 6),
]


# ---------------------------------------------------------------- packs
def load_spec_pack():
    with open(SPEC_PACK, encoding="utf-8") as f:
        return json.load(f)


def make_packs():
    ex = load_spec_pack()
    packs = {}
    packs["example"] = ex

    def variant(name, fn):
        p = copy.deepcopy(ex)
        r = fn(p)
        packs[name] = p if r is None else r

    variant("bad-rate", lambda p: p["basic"]["inpatient"]["levels"]["county"].__setitem__("rate", "1.5"))
    variant("bad-rate-number", lambda p: p["critical_illness"]["bands"][0].__setitem__("rate", Raw("1.5")))
    variant("bad-rate-negative", lambda p: p["medical_assistance"]["categories"]["low_income"].__setitem__("rate", "-0.1"))
    variant("negative-deductible", lambda p: p["basic"]["inpatient"]["levels"]["township"].__setitem__("deductible", "-200"))
    variant("bands-not-increasing", lambda p: p["critical_illness"]["bands"][2].__setitem__("up_to", "15000"))
    variant("bands-equal", lambda p: p["critical_illness"]["preferential"]["bands"][1].__setitem__("up_to", "10000"))
    variant("bands-last-has-up-to", lambda p: p["critical_illness"]["bands"][4].__setitem__("up_to", "200000"))
    variant("bands-from-bad", lambda p: p["critical_illness"].__setitem__("bands_from", "one"))
    variant("unknown-provenance-pointer", lambda p: p["provenance"].__setitem__("/basic/inpatient/levels/hamlet", {"basis": "illustrative"}))
    variant("provenance-unknown-source", lambda p: p["provenance"]["/critical_illness"].__setitem__("source", "nope"))
    variant("provenance-bad-basis", lambda p: p["provenance"]["/basic"].__setitem__("basis", "vibes"))
    variant("missing-format", lambda p: (p.pop("format"), None)[1])
    variant("missing-id", lambda p: (p.pop("id"), None)[1])
    variant("wrong-format", lambda p: p.__setitem__("format", "yibao-policy/2"))
    variant("unknown-field", lambda p: p.__setitem__("extra", 1))
    variant("unknown-level", lambda p: p["basic"]["inpatient"]["levels"].__setitem__("hamlet", {"deductible": "0", "rate": "0.9"}))
    variant("unknown-category", lambda p: p["medical_assistance"]["categories"].__setitem__("rich", {"annual_deductible": "0", "rate": "0.1", "annual_cap": None}))
    variant("bad-effective", lambda p: p["effective"].__setitem__("from", "2018-02-30"))
    variant("effective-reversed", lambda p: p["effective"].__setitem__("until", "2017-01-01"))
    variant("extends-self", lambda p: p.__setitem__("extends", "example") or p.__setitem__("id", "example"))
    variant("extends-unknown", lambda p: p.__setitem__("extends", "nowhere-2020"))
    variant("extends-cycle-bundled", lambda p: p.update({"id": "national-baseline", "extends": "gansu-2018"}))
    variant("extends-number", lambda p: p.__setitem__("extends", Raw("1")))
    variant("amount-3-decimals", lambda p: p["basic"]["inpatient"].__setitem__("annual_cap", "150000.001"))
    variant("amount-exponent", lambda p: p["critical_illness"].__setitem__("threshold", Raw("5e3")))
    variant("numbers-plain", lambda p: p["critical_illness"].update({"threshold": Raw("5000"), "bands": [
        {"up_to": Raw("10000"), "rate": Raw("0.6")}, {"up_to": Raw("20000"), "rate": Raw("0.65")},
        {"up_to": Raw("50000"), "rate": Raw("0.70")}, {"up_to": Raw("100000"), "rate": Raw("0.75")}, {"rate": Raw("0.8")}]}))
    # the Shandong 2014 example (examples.md §6): bands from zero
    sd = copy.deepcopy(ex)
    sd["id"] = "shandong-example"
    sd["basic"]["inpatient"]["annual_cap"] = "100000"
    sd["critical_illness"].update({"threshold": "10000", "bands_from": "zero",
                                   "bands": [{"up_to": "100000", "rate": "0.50"}, {"rate": "0.60"}]})
    packs["shandong-example"] = sd
    # a child pack extending a bundled pack
    packs["child-of-gansu"] = {
        "format": "yibao-policy/1", "id": "gansu-child", "name": "甘肃某市（测试）",
        "region": {"code": "620100", "name": "兰州市"}, "effective": {"from": "2020-01-01", "until": "2026-12-31"},
        "extends": "gansu-2018",
        "basic": {"inpatient": {"levels": {"county": {"deductible": "400", "rate": "0.80"}}, "day_surgery_deductible_factor": "0.5"},
                  "general_outpatient": {"levels": {"village": None}}},
        "provenance": {"/basic/inpatient/levels/county": {"basis": "illustrative", "note": "测试"}},
    }
    packs["child-of-baseline-min"] = {"format": "yibao-policy/1", "id": "min", "name": "最小", "region": {"code": "999999", "name": "测试"},
                                      "effective": {"from": "2018-01-01", "until": None}, "extends": "national-baseline"}
    packs["not-json"] = Raw('{"format": "yibao-policy/1", "id": "x",}')
    cn = copy.deepcopy(ex)
    cn["id"] = "chronic-narrow"
    cn["basic"]["chronic_outpatient"]["conditions"] = ["hypertension", "diabetes"]
    cn["basic"]["chronic_outpatient"]["condition_caps"] = {"hypertension": "1500"}
    packs["chronic-narrow"] = cn
    packs["empty-object"] = {}
    packs["string"] = "example"
    packs["array"] = []
    return packs


# ---------------------------------------------------------------- write
def main():
    for d in (CASES, PACKS):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    manifest = []

    def write_case(name, group, content, extra=""):
        text = content.text if isinstance(content, Raw) else content if isinstance(content, str) else dump(content, pretty=rng.random() < 0.5)
        with open(os.path.join(CASES, name + ".json"), "w", encoding="utf-8") as f:
            f.write(text)
        manifest.append((name, group, extra))

    packs = make_packs()
    for name, p in packs.items():
        text = p.text if isinstance(p, Raw) else dump(p, pretty=True)
        with open(os.path.join(PACKS, name + ".json"), "w", encoding="utf-8") as f:
            f.write(text)
    EX = f"--policy {PACKS}/example.json"
    SD = f"--policy {PACKS}/shandong-example.json"
    CH = f"--policy {PACKS}/child-of-gansu.json"

    # (a) worked examples
    person = lambda cat: {"category": cat}
    iv = lambda level, date, total, ooc=None, cb=None, kind="inpatient": dict(
        [("kind", kind), ("level", level), ("date", date), ("total", total)]
        + ([("out_of_catalog", ooc)] if ooc is not None else []) + ([("class_b_self_pay", cb)] if cb is not None else []))
    ex1 = {"person": person("ordinary"), "visits": [iv("municipal", "2024-05-10", "50000", "3000", "2000")]}
    write_case("ex1-ordinary", "example", ex1, EX)
    ex2 = {"person": person("low_income"), "visits": [iv("municipal", "2024-05-10", "50000", "3000", "2000")]}
    write_case("ex2-low-income", "example", ex2, EX)
    ex3 = {"person": person("ordinary"), "visits": [iv("county", "2024-03-01", "12000", "1000"), iv("municipal", "2024-08-01", "30000", "2000")]}
    write_case("ex3-two-admissions", "example", ex3, EX)
    ex3b = copy.deepcopy(ex3)
    ex3b["visits"][1]["date"] = "2025-01-05"
    write_case("ex3b-year-restarts", "example", ex3b, EX)
    write_case("ex4-day-surgery", "example", {"person": person("ordinary"), "visits": [iv("county", "2024-06-01", "8000", "0", "0", "day_surgery")]}, EX)
    write_case("ex5-rounding", "example", {"person": person("ordinary"), "visits": [iv("county", "2024-06-01", "500.70", "0", "0")]}, EX)
    write_case("ex6-bands-from-zero", "example", {"person": person("ordinary"), "visits": [iv("provincial", "2014-06-01", "270000", "0", "0")]}, SD)
    write_case("ex6b-bands-from-zero", "example", {"person": person("ordinary"), "visits": [iv("provincial", "2024-06-01", "270000", "0", "0")]}, SD)
    write_case("ex7-bad-date", "example", {"person": person("ordinary"), "visits": [{"kind": "inpatient", "level": "county", "date": "2024-02-30", "total": "1000"}]}, EX)
    readme = {"policy": "gansu-2018", "person": {"category": "low_income"}, "visits": [iv("municipal", "2024-05-10", "50000", "3000", "2000")]}
    write_case("readme-gansu", "example", readme)
    contract = {"policy": "gansu-2018", "person": {"category": "low_income", "conditions": ["hypertension"],
                "year_to_date": {"basic_inpatient_paid": "0", "general_outpatient_paid": "0", "critical_compliant": "0", "critical_paid": "0", "assistance_paid": "0"}},
                "visits": [{"kind": "inpatient", "level": "county", "date": "2024-03-18", "total": "30000", "out_of_catalog": "2000",
                            "class_b_self_pay": "1000", "tcm": "0", "referral": "none"},
                           {"kind": "two_diseases_outpatient", "condition": "hypertension", "level": "township", "date": "2024-04-02", "total": "180"}]}
    write_case("contract-input", "example", contract)
    for cat in CATEGORIES:  # the spec pack with every category, kind and level
        visits = [iv(l, "2024-0%d-15" % (i + 1), "12345.67", "1000", "500") for i, l in enumerate(INPATIENT_LEVELS)]
        visits.append({"kind": "chronic_outpatient", "level": "township", "date": "2024-07-01", "total": "3000", "condition": "copd"})
        visits.append({"kind": "two_diseases_outpatient", "level": "village", "date": "2024-07-02", "total": "500", "condition": "hypertension"})
        visits.append({"kind": "general_outpatient", "level": "county", "date": "2024-07-03", "total": "200"})
        visits.append({"kind": "accident_inpatient", "level": "county", "date": "2024-07-04", "total": "90000", "tcm": "1000"})
        write_case(f"ex-spec-all-{cat}", "example", {"person": {"category": cat, "conditions": ["copd", "hypertension"]}, "visits": visits}, EX)

    # (b) valid-looking random cases
    for i in range(1500):
        c, extra = make_valid()
        write_case(f"valid-{i:04d}", "valid", c, extra)
    # cases run against packs given with --policy
    for i in range(60):
        c, _ = make_valid("gansu-2018")
        c.pop("policy", None)
        c.pop("region", None)
        for v in c["visits"]:
            if v["date"] < "2020-01-01":
                v["date"] = "2020" + v["date"][4:]
            if v["date"] > "2026-12-31":
                v["date"] = "2026" + v["date"][4:]
        write_case(f"packcase-{i:03d}", "packcase", c, rng.choice([EX, CH, CH, SD]))

    # (c) invalid cases
    k = 0
    for gen, n in INVALID_GENS:
        for _ in range(n):
            write_case(f"invalid-{k:04d}-{gen.__name__[4:]}", "invalid", gen())
            k += 1
    # invalid packs used with --policy
    for name in ("bad-rate", "bands-not-increasing", "missing-id", "extends-unknown", "not-json", "array"):
        write_case(f"invalid-packarg-{name}", "invalid", ex1, f"--policy {PACKS}/{name}.json")
    for i in range(8):  # condition held but not in the pack's chronic list
        cond = rng.choice(["copd", "stroke", "heart_failure", "diabetes_insulin"])
        c = {"person": {"category": rng.choice(CATEGORIES), "conditions": [cond, "hypertension"]},
             "visits": [{"kind": "chronic_outpatient", "level": rng.choice(LEVELS), "date": rand_date("2018-06-01"),
                         "total": amount(rand_cents(5000)), "condition": cond}]}
        write_case(f"invalid-notcovered-{i}", "invalid", c, f"--policy {PACKS}/chronic-narrow.json")
    write_case("invalid-packarg-missing-file", "invalid", ex1, f"--policy {PACKS}/does-not-exist.json")

    with open(os.path.join(CASES, "manifest.tsv"), "w", encoding="utf-8") as f:
        for name, group, extra in manifest:
            f.write(f"{name}\t{group}\t{extra}\n")
    print(f"wrote {len(manifest)} cases, {len(packs)} packs", file=sys.stderr)


if __name__ == "__main__":
    main()
