"""A hand-made monitoring plan and its tests, with the answers computed by hand (see each test).

Plan MP1, 2026-01-01 .. 2026-06-30 (the end day included), stages PORT and MARKET, agency A1:
- target T-SHRIMP: Vietnamese lots of HS 0306 (shrimp), quotas PORT 4, MARKET 2;
- target T-TOY: toys from anywhere, quota PORT 2 (no MARKET quota).
Reports:
  R1 B1 PASS PORT   T-SHRIMP 2026-02-01      R2 B2 FAIL PORT   T-SHRIMP 2026-02-02
  R3 B3 FAIL MARKET T-SHRIMP 2026-03-01      R4 B4 PASS PORT   T-SHRIMP 2026-07-01 (outside the period)
  R5 B5 PASS PORT   T-TOY    2026-06-30 (last day: inside)
  R6 B1 PASS MARKET T-NOPE   2026-02-10 (a target the plan lacks: unmatched)
  R7 B5 FAIL, no plan (not counted)
"""

from __future__ import annotations

from seed.builders import agency, batch, enterprise, lab, lab_report, monitoring_plan, plan_target, product

PLAN = monitoring_plan(
    "MP1",
    [
        plan_target(
            "T-SHRIMP", {"PORT": 4, "MARKET": 2}, ("CHEMICAL", "BIOLOGICAL"), countries=["VN"], hsPrefixes=["0306"]
        ),
        plan_target("T-TOY", {"PORT": 2}, ("PHYSICAL",), categories=["TOY"]),
    ],
)


def served(id: str, batch_id: str, result: str, stage: str, target: str, tested_at: str) -> dict:
    return lab_report(id, batch_id, result, tested_at=tested_at, plan="MP1", planTarget=target, stage=stage)


RECORDS = [
    enterprise("V", "Vietnam Seafood Co", roles=["EXPORTER", "MANUFACTURER"], country="VN"),
    enterprise("M", "Toy Maker Ltd", roles=["MANUFACTURER"], country="CN"),
    product("P-SHRIMP", hsCode="0306170000", category="FOOD"),
    product("P-TOY", hsCode="9503000000", category="TOY"),
    agency("A1", "Qingdao Customs"),
    lab("L1"),
    *[batch(f"B{i}", product="P-SHRIMP", producer="V", originCountry="VN") for i in (1, 2, 3, 4)],
    batch("B5", product="P-TOY", producer="M", originCountry="CN"),
    PLAN,
    served("R1", "B1", "PASS", "PORT", "T-SHRIMP", "2026-02-01"),
    served("R2", "B2", "FAIL", "PORT", "T-SHRIMP", "2026-02-02"),
    served("R3", "B3", "FAIL", "MARKET", "T-SHRIMP", "2026-03-01"),
    served("R4", "B4", "PASS", "PORT", "T-SHRIMP", "2026-07-01"),
    served("R5", "B5", "PASS", "PORT", "T-TOY", "2026-06-30"),
    served("R6", "B1", "PASS", "MARKET", "T-NOPE", "2026-02-10"),
    lab_report("R7", "B5", "FAIL", tested_at="2026-03-03"),
]
