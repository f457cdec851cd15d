"""yibao.estimate and yibao.settle: the contract's JSON as Python values, errors as YibaoError."""

import decimal
import datetime

import pytest

import yibao


def example_1(category="ordinary"):
    return {
        "person": {"category": category},
        "visits": [
            {"kind": "inpatient", "level": "municipal", "date": "2024-05-10", "total": "50000", "out_of_catalog": "3000", "class_b_self_pay": "2000"}
        ],
    }


def test_worked_examples_1_and_2_to_the_fen(example_policy):
    out = yibao.estimate(example_1(), example_policy)
    v = out["visits"][0]
    assert (v["in_scope"], v["basic"], v["critical_illness"], v["medical_assistance"], v["out_of_pocket"]) == (
        "45000.00", "28730.00", "6825.50", "0.00", "14444.50")
    assert out["totals"]["reimbursed"] == "35555.50"
    assert isinstance(out["visits"][0]["steps"], list) and out["visits"][0]["steps"][0]["text"]
    low = yibao.estimate(example_1("low_income"), example_policy)["visits"][0]
    assert (low["critical_illness"], low["medical_assistance"], low["out_of_pocket"]) == ("10487.90", "4047.47", "6734.63")


def test_amounts_as_numbers_decimals_and_dates_as_date_objects(example_policy):
    case = example_1()
    v = case["visits"][0]
    v["total"], v["out_of_catalog"], v["class_b_self_pay"], v["date"] = 50000, decimal.Decimal("3000.00"), 2000.0, datetime.date(2024, 5, 10)
    assert yibao.estimate(case, example_policy) == yibao.estimate(example_1(), example_policy)


def test_integers_of_other_libraries_by_their_index(example_policy):
    class Index:
        def __init__(self, n):
            self.n = n

        def __index__(self):
            return self.n

    case = example_1()
    case["visits"][0]["total"] = Index(50000)
    assert yibao.estimate(case, example_policy) == yibao.estimate(example_1(), example_policy)
    assert yibao.spark.__name__ == "yibao.spark"


def test_a_bundled_pack_by_id_named_in_the_case_or_given_beside_it():
    case = {**example_1(), "policy": "gansu-2018"}
    named = yibao.estimate(case)
    assert named["policy"]["id"] == "gansu-2018"
    assert yibao.estimate(example_1(), "gansu-2018") == named
    assert "parameters" in yibao.estimate(case, parameters=True)
    assert any(p["id"] == "gansu-2018" for p in yibao.policies())


def test_errors_carry_code_path_and_message():
    case = {**example_1(), "policy": "gansu-2018"}
    case["visits"][0]["total"] = "-1"
    with pytest.raises(yibao.YibaoError) as e:
        yibao.estimate(case)
    assert (e.value.code, e.value.path) == ("invalid_amount", "visits[0].total")
    assert "负数" in e.value.message and "negative" in e.value.message
    assert "invalid_amount" in str(e.value)
    with pytest.raises(yibao.YibaoError) as e:
        yibao.estimate(example_1())
    assert (e.value.code, e.value.path) == ("missing_field", "policy")
    with pytest.raises(yibao.YibaoError) as e:
        yibao.estimate(example_1(), "no-such-pack")
    assert e.value.code == "unknown_policy"
    with pytest.raises(yibao.YibaoError) as e:
        yibao.estimate(example_1(), {"format": "yibao-policy/2", "id": "x", "extends": "gansu-2018", "critical_illness": {"threshold": "-5"}})
    assert e.value.code == "invalid_policy" and e.value.path.startswith("/")


def test_python_values_the_contract_has_no_json_for_are_errors_not_crashes():
    for bad, path in [
        ({"policy": "gansu-2018", "person": {"category": "ordinary"}, "visits": [{"total": float("nan")}]}, "visits[0].total"),
        ({"policy": "gansu-2018", "person": {1: "x"}, "visits": []}, "person"),
        ({"policy": "gansu-2018", "person": object(), "visits": []}, "person"),
    ]:
        with pytest.raises(yibao.YibaoError) as e:
            yibao.estimate(bad)
        assert e.value.code == "invalid_type" and e.value.path == path, e.value
    deep = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(yibao.YibaoError) as e:
        yibao.estimate({"policy": "gansu-2018", "person": {"category": "ordinary"}, "visits": deep})
    assert e.value.code == "invalid_json"
    with pytest.raises(yibao.YibaoError):
        yibao.estimate("not a dict")


def test_settle_jinan_example_of_settlement_md():
    # 1,200 × 3,070 = 3,684,000 budget; 3,300,000 spent; score 92.5 → kept 355,200, split 2:6:2.
    case = {
        "policy": "jinan-2023", "alliance": "金安区某紧密型医共体", "year": 2023,
        "budget": {"persons": 1200},
        "actual": {"fund_paid": "3300000.00", "fund_paid_outside": "0", "emergency_overspend": "0"},
        "assessment": {"score": "92.5", "rank": 4},
        "risk_pool_before": "0",
    }
    out = yibao.settle(case)
    assert out["budget"] == "3684000.00"
    assert out["kept"] == "355200.00"
    assert out["shares"] == {"district": "71040.00", "township": "213120.00", "village": "71040.00"}
    assert out["to_alliance_settlement"] == "28800.00"
    assert yibao.settle(case, "jinan-2023") == out
    del case["assessment"]
    with pytest.raises(yibao.YibaoError) as e:
        yibao.settle(case)
    assert e.value.code == "missing_field" and e.value.path.startswith("assessment")
