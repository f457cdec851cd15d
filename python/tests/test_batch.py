"""yibao.batch over pyarrow and Polars tables: each row's results equal yibao.estimate of its
person's rows as one case (in input order, same-date visits included), to the fen."""

import random
import warnings

import pyarrow as pa
import pytest

import yibao

AMOUNTS = ["in_scope", "basic", "critical_illness", "medical_assistance", "reimbursed", "out_of_pocket"]
REFORM = {"format": "yibao-policy/2", "id": "reform", "name": "改革方案", "extends": "gansu-2018", "critical_illness": {"threshold": "1000"}}


def claims(persons=30, seed=13):
    """Rows of claims, persons interleaved; some visits of a person on the same date."""
    rng = random.Random(seed)
    rows = []
    for p in range(persons):
        category = rng.choice(["ordinary", "ordinary", "low_income", "extreme_poverty", "poverty_registered"])
        dates = [f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(rng.randint(1, 6))]
        if len(dates) > 1 and rng.random() < 0.5:
            dates[-1] = dates[0]  # the same date twice: input order decides
        for d in dates:
            kind, level = rng.choice([("inpatient", "township"), ("inpatient", "county"), ("inpatient", "municipal"), ("day_surgery", "county"), ("general_outpatient", "village"), ("general_outpatient", "township")])
            total = rng.randint(5_000, 8_000_000) if kind != "general_outpatient" else rng.randint(1_000, 40_000)
            row = {"claim_id": f"c{len(rows)}", "person_id": f"p{p}", "category": category, "kind": kind, "level": level, "date": d, "total": f"{total / 100:.2f}", "out_of_catalog": None}
            if rng.random() < 0.5:
                row["out_of_catalog"] = f"{rng.randint(0, total // 10) / 100:.2f}"
            rows.append(row)
    rng.shuffle(rows)
    return rows


def case_of(rows):
    visits = []
    for r in rows:
        v = {"kind": r["kind"], "level": r["level"], "date": r["date"], "total": r["total"]}
        if r["out_of_catalog"] is not None:
            v["out_of_catalog"] = r["out_of_catalog"]
        visits.append(v)
    return {"person": {"category": rows[0]["category"]}, "visits": visits}


def check_against_estimate(rows, results, packs):
    got = results.to_pylist()
    assert [g["claim_id"] for g in got] == [r["claim_id"] for r in rows]  # input order
    by_person = {}
    for r, g in zip(rows, got):
        by_person.setdefault(r["person_id"], []).append((r, g))
    for pid, pairs in by_person.items():
        for pack, name in packs:
            want = yibao.estimate(case_of([r for r, _ in pairs]), pack)["visits"]
            for (r, g), w in zip(pairs, want):
                assert g["person_id"] == pid and g["date"] == r["date"]
                for a in AMOUNTS:
                    assert g[f"{name}.{a}"] == w[a], (pid, r["claim_id"], name, a)


def test_pyarrow_table_equals_estimate_of_each_person_under_two_packs():
    rows = claims()
    table = pa.Table.from_pylist(rows)
    results = yibao.batch(table, ["gansu-2018", REFORM])
    assert isinstance(results, pa.Table)
    assert results.column_names[:3] == ["claim_id", "person_id", "date"]
    assert "reform.critical_illness" in results.column_names
    check_against_estimate(rows, results, [("gansu-2018", "gansu-2018"), (REFORM, "reform")])
    # However the rows are cut into batches.
    small = pa.Table.from_batches(table.to_batches(max_chunksize=7))
    assert yibao.batch(small, ["gansu-2018", REFORM]).equals(results)


def test_polars_dataframe_with_dates_and_numbers():
    pl = pytest.importorskip("polars")
    rows = claims(seed=5)
    df = pl.DataFrame(rows).with_columns(pl.col("date").str.to_date(), pl.col("total").cast(pl.Float64))
    results = yibao.batch(df, "gansu-2018")
    check_against_estimate(rows, results, [("gansu-2018", "gansu-2018")])
    # Polars takes the results back.
    assert pl.from_arrow(results).height == len(rows)


def test_rejected_rows_reject_their_person_and_are_reported():
    rows = claims(persons=5, seed=2)
    bad = next(i for i, r in enumerate(rows) if r["person_id"] == "p3")
    rows[bad]["total"] = "-1"
    report = yibao.batch_report(pa.Table.from_pylist(rows), ["gansu-2018"])
    p3 = [r["claim_id"] for r in rows if r["person_id"] == "p3"]
    assert report.results.num_rows == len(rows) - len(p3)
    rejects = report.rejects.to_pylist()
    assert sorted(r["claim_id"] for r in rejects) == sorted(p3)
    own = next(r for r in rejects if r["claim_id"] == rows[bad]["claim_id"])
    assert (own["row"], own["column"], own["code"]) == (bad + 1, "total", "invalid_amount")
    assert all(r["code"] == "person_rejected" for r in rejects if r is not own)
    s = report.summary
    assert (s["rows_in"], s["rows_estimated"], s["rows_rejected"], s["persons_rejected"]) == (len(rows), len(rows) - len(p3), len(p3), 1)
    with pytest.warns(yibao.RejectedRowsWarning, match="invalid_amount"):
        yibao.batch(pa.Table.from_pylist(rows), ["gansu-2018"])


def test_a_run_that_cannot_start_raises():
    table = pa.Table.from_pylist(claims(persons=2))
    with pytest.raises(yibao.YibaoError) as e:
        yibao.batch(table.drop_columns(["total"]), ["gansu-2018"])
    assert (e.value.code, e.value.path) == ("missing_column", "total")
    with pytest.raises(yibao.YibaoError) as e:
        yibao.batch(table, ["gansu-2018", "no-such-pack"])
    assert e.value.code == "unknown_policy"
    with pytest.raises(yibao.YibaoError) as e:
        yibao.batch(table, ["gansu-2018", "gansu-2018"])
    assert e.value.code == "duplicate_policy"
    with pytest.raises(yibao.YibaoError) as e:
        yibao.batch([{"person_id": "p"}], ["gansu-2018"])
    assert e.value.code == "invalid_claims"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert yibao.batch(table, "gansu-2018", keep=["kind"]).column_names[3] == "kind"


def test_duckdb_relation():
    duckdb = pytest.importorskip("duckdb")
    rows = claims(seed=9)
    claims_table = pa.Table.from_pylist(rows)  # noqa: F841 (read by the query below, by name)
    rel = duckdb.sql("select * from claims_table")
    check_against_estimate(rows, yibao.batch(rel, "gansu-2018"), [("gansu-2018", "gansu-2018")])


def test_pandas_dataframe_through_pyarrow():
    pd = pytest.importorskip("pandas")
    rows = claims(seed=11)
    check_against_estimate(rows, yibao.batch(pd.DataFrame(rows), "gansu-2018"), [("gansu-2018", "gansu-2018")])
