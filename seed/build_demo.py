#!/usr/bin/env python3
"""Build the demo data set: seed/demo.ndjson (records as in shared contract/RECORDS.md).

Scenario (Xinxiang, Henan, with the ports of Qingdao CNTAO, Ningbo CNNGB and Shanghai CNSHA):

  1. Infant formula: raw milk -> whole milk powder (NZ, NL, FR dairies) -> imported through CNTAO ->
     formula base powder -> canned formula (dry-blended with lactose and premix: diamonds) -> 3 distributors
     -> retailers, a cross-border e-commerce platform and a cross-border seller.
     Story: lot LOT-IF1-2026-0305 fails on Cronobacter in market sampling; trace-back leads to the
     imported whole milk powder lot LOT-WMP-NZ-2026-0112, whose retained sample fails too -> recall scope.
  2. Toys: ABS resin + paint -> toy component lots -> finished toys, exported through CNNGB and sold at home.
     Story: ride-on car lot LOT-RIDEON-2026-0305 fails on DEHP; the paint lot came from a supplier
     that is then blacklisted. A lab whose recognition was revoked had passed the lot.
  3. Auto parts: brake pads from DE and JP imported through CNSHA -> brake assemblies -> car makers -> vehicles.
  4. Labs, agencies, people, ownership links, two blacklist entries.

Deterministic: the only randomness is a seeded random.Random. Run with the project venv:

    .venv/bin/python seed/build_demo.py          # writes seed/demo.ndjson and checks it
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from stdnum.cn import uscc

OUT = Path(__file__).with_name("demo.ndjson")
RNG = random.Random(20260301)

records: list[dict] = []
batches: dict[str, dict] = {}


def day(s: str, plus: int = 0) -> str:
    """ISO date string s shifted by `plus` days."""
    return (date.fromisoformat(s) + timedelta(days=plus)).isoformat()


def add(rec: dict) -> str:
    rec = {k: v for k, v in rec.items() if v is not None}
    records.append(rec)
    return rec.get("id", "")


# ---------------------------------------------------------------- codes

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z


def org_code_check(body8: str) -> str:
    """Check character of a GB 11714 organisation code (digits 9..17 of a USCC)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights, strict=True))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def make_uscc(region_code: str) -> str:
    """91 (SAMR, enterprise) + 6-digit division code + 'MA'-style organisation code + check character."""
    body8 = "MA" + "".join(RNG.choice(USCC_ALPHABET) for _ in range(6))
    first17 = "91" + region_code + body8 + org_code_check(body8)
    return first17 + uscc.calc_check_digit(first17)


def gtin13(first12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def declaration(customs: str, when: str, imp: bool, serial: int) -> str:
    """18-digit customs declaration number: customs code, year, 1 import / 0 export, serial."""
    return f"{customs}{when[:4]}{1 if imp else 0}{serial:09d}"


# ---------------------------------------------------------------- record helpers


def enterprise(id, name, roles, country, region=None, division=None, grade=None):
    return add(
        {
            "type": "enterprise",
            "id": id,
            "name": name,
            "roles": roles,
            "country": country,
            "region": region,
            "uscc": make_uscc(division) if division else None,
            "creditGrade": grade,
        }
    )


def person(id, name):
    return add({"type": "person", "id": id, "name": name})


def link(kind, frm, to, share=None):
    add({"type": "link", "kind": kind, "from": frm, "to": to, "share": share})


def product(id, name, hs, category, brand=None):
    return add({"type": "product", "id": id, "name": name, "hsCode": hs, "category": category, "brand": brand})


def batch(id, prod, producer, qty, unit, produced, origin=None, inputs=None):
    rec = {
        "type": "batch",
        "id": id,
        "product": prod,
        "producer": producer,
        "quantity": qty,
        "unit": unit,
        "producedAt": produced,
        "originCountry": origin,
        "inputs": [{"batch": b, "quantity": q} for b, q in inputs.items()] if inputs else None,
    }
    add(rec)
    batches[id] = rec
    return id


_ship_seq = Counter()


def ship(lot, frm, to, qty, when, direction=None, port=None, decl=None):
    _ship_seq[when] += 1
    sid = f"SHP-{when.replace('-', '')}-{_ship_seq[when]:03d}"
    return add(
        {
            "type": "shipment",
            "id": sid,
            "batch": lot,
            "from": frm,
            "to": to,
            "quantity": qty,
            "shippedAt": when,
            "direction": direction,
            "port": port,
            "declaration": decl,
        }
    )


def lab(id, name, accreditation=None, recognized=None, status=None, status_since=None):
    return add(
        {
            "type": "lab",
            "id": id,
            "name": name,
            "accreditation": accreditation,
            "recognized": recognized,
            "status": status,
            "statusSince": status_since,
        }
    )


def agency(id, name, kind, jurisdiction=None):
    return add({"type": "agency", "id": id, "name": name, "kind": kind, "jurisdiction": jurisdiction})


_report_seq = Counter()


def report(lab_id, lot, when, items):
    """items: (name, value, limit, unit); an item passes when value <= limit."""
    short = lab_id.split("-", 1)[1]
    _report_seq[short] += 1
    its = [{"name": n, "value": v, "limit": lim, "unit": u, "pass": v <= lim} for n, v, lim, u in items]
    return add(
        {
            "type": "test_report",
            "id": f"TR-{short}-2026-{_report_seq[short]:04d}",
            "lab": lab_id,
            "batch": lot,
            "result": "PASS" if all(i["pass"] for i in its) else "FAIL",
            "testedAt": when,
            "items": its,
        }
    )


def blacklist(id, ent, reason, listed, agency_id=None, expires=None, serious=None):
    return add(
        {
            "type": "blacklist",
            "id": id,
            "enterprise": ent,
            "reason": reason,
            "listedAt": listed,
            "agency": agency_id,
            "expiresAt": expires,
            "serious": serious,
        }
    )


# ================================================================= agencies and labs

agency("AG-XX-CUSTOMS", "Xinxiang Customs", "CUSTOMS", "Xinxiang, Henan")
agency("AG-XX-SAMR", "Xinxiang Municipal Administration for Market Regulation", "MARKET_REGULATION", "Xinxiang, Henan")
agency("AG-XX-HEALTH", "Xinxiang Municipal Health Commission", "HEALTH", "Xinxiang, Henan")
agency("AG-QD-CUSTOMS", "Qingdao Customs (Qingdao port, Huangdao)", "CUSTOMS", "Qingdao, Shandong")
agency("AG-NB-CUSTOMS", "Ningbo Customs (Beilun port)", "CUSTOMS", "Ningbo, Zhejiang")

lab("LAB-QD-CIQ", "Qingdao Customs Technical Center, Food Laboratory", "CNAS L0435", True)
lab("LAB-HN-FOOD", "Henan Provincial Institute of Food Inspection", "CNAS L2781", True)
lab("LAB-NB-TOY", "Ningbo Customs Technical Center, Toy and Children's Products Laboratory", "CNAS L0512", True)
lab("LAB-SH-AUTO", "Shanghai Motor Vehicle Parts Testing Center", "CNAS L1633", True)
lab("LAB-MY-QC", "Henan Muyang Infant Nutrition in-house QC Laboratory", None, False)
# Kuaijian was already suspended when it released LOT-IF1-2026-0305 (its report is flagged); Huace lost its
# qualification after it had passed the ride-on toy.
lab(
    "LAB-XX-KUAIJIAN",
    "Xinxiang Kuaijian Testing Services Co., Ltd.",
    "CMA 161612340567",
    True,
    "SUSPENDED",
    "2026-03-02",
)
lab("LAB-ZZ-HUACE", "Zhengzhou Huace Testing Co., Ltd.", "CMA 161600987213", False, "REVOKED", "2026-04-20")

# ================================================================= enterprises

CN = "CN"
XX = "Xinxiang, Henan"
# --- milk powder and infant formula
enterprise("ENT-NZ-DAIRY-01", "Waikato Valley Dairy Co-operative Ltd", ["MANUFACTURER", "EXPORTER"], "NZ", "Waikato")
enterprise("ENT-NL-DAIRY-01", "Friesland Meadow Dairy B.V.", ["MANUFACTURER", "EXPORTER"], "NL", "Friesland")
enterprise("ENT-FR-DAIRY-01", "Laiterie Cooperative de Normandie SAS", ["MANUFACTURER", "EXPORTER"], "FR", "Normandie")
enterprise("ENT-US-WHEY-01", "Great Lakes Whey Ingredients Inc.", ["MANUFACTURER", "EXPORTER"], "US", "Wisconsin")
enterprise(
    "ENT-CN-PREMIX-01",
    "Shandong Jinkang Nutrition Premix Co., Ltd.",
    ["MANUFACTURER"],
    CN,
    "Weifang, Shandong",
    "370700",
)
enterprise(
    "ENT-CN-IMPORTER-01",
    "Qingdao Haiyue International Trade Co., Ltd.",
    ["IMPORTER"],
    CN,
    "Qingdao, Shandong",
    "370211",
    "CERTIFIED",
)
enterprise("ENT-CN-HOLDING-01", "Henan Muyang Holdings Group Co., Ltd.", [], CN, XX, "410702")
enterprise(
    "ENT-CN-IFM-01", "Henan Muyang Infant Nutrition Co., Ltd.", ["MANUFACTURER"], CN, XX, "410711", "ADVANCED_CERTIFIED"
)
enterprise("ENT-CN-BAKERY-01", "Xinxiang Maixiang Food Co., Ltd.", ["MANUFACTURER"], CN, XX, "410721")
enterprise("ENT-CN-DIST-01", "Xinxiang Huaxin Mother & Baby Trading Co., Ltd.", ["DISTRIBUTOR"], CN, XX, "410702")
enterprise(
    "ENT-CN-DIST-02", "Zhengzhou Yuebao Food Distribution Co., Ltd.", ["DISTRIBUTOR"], CN, "Zhengzhou, Henan", "410105"
)
enterprise(
    "ENT-CN-DIST-03",
    "Henan Anxin Cold-chain Logistics & Trading Co., Ltd.",
    ["DISTRIBUTOR", "LOGISTICS"],
    CN,
    XX,
    "410703",
)
enterprise("ENT-CN-RETAIL-01", "Xinxiang Beibei Mother & Baby Store (Pingyuan Road)", ["RETAILER"], CN, XX, "410702")
enterprise("ENT-CN-RETAIL-02", "Xinxiang Dongfang Supermarket Chain Co., Ltd.", ["RETAILER"], CN, XX, "410703")
enterprise("ENT-CN-RETAIL-03", "Weihui Kuaile Baby Store", ["RETAILER"], CN, "Weihui, Xinxiang, Henan", "410781")
enterprise("ENT-CN-RETAIL-04", "Zhengzhou Jinshui Baby Care Store", ["RETAILER"], CN, "Zhengzhou, Henan", "410105")
enterprise(
    "ENT-CN-RETAIL-05", "Huixian Xinyuan Supermarket Co., Ltd.", ["RETAILER"], CN, "Huixian, Xinxiang, Henan", "410782"
)
enterprise(
    "ENT-CN-ECOM-01",
    "Henan Kuajingtong Cross-border E-commerce Platform Co., Ltd.",
    ["ECOMMERCE_PLATFORM"],
    CN,
    "Zhengzhou, Henan",
    "410100",
)
enterprise(
    "ENT-CN-CBS-01", "Xinxiang Yangguang Cross-border Trading Co., Ltd.", ["CROSS_BORDER_SELLER"], CN, XX, "410702"
)
# --- toys
enterprise(
    "ENT-CN-RESIN-01",
    "Ningbo Zhenhai Petrochemical Resin Co., Ltd.",
    ["MANUFACTURER"],
    CN,
    "Ningbo, Zhejiang",
    "330211",
)
enterprise(
    "ENT-CN-PAINT-01", "Xinxiang Caihong Coatings Co., Ltd.", ["MANUFACTURER"], CN, "Huojia, Xinxiang, Henan", "410724"
)
enterprise("ENT-CN-TOYPARTS-01", "Xinxiang Jiale Plastic Parts Co., Ltd.", ["MANUFACTURER"], CN, XX, "410721")
enterprise("ENT-CN-TOY-01", "Henan Lele Toys Co., Ltd.", ["MANUFACTURER", "EXPORTER"], CN, XX, "410711", "CERTIFIED")
enterprise("ENT-DE-TOYBUY-01", "Spielwaren Rhein Import GmbH", ["IMPORTER", "DISTRIBUTOR"], "DE", "Nordrhein-Westfalen")
enterprise("ENT-GB-TOYBUY-01", "Brightwater Toys Ltd", ["IMPORTER", "RETAILER"], "GB", "Manchester")
# --- auto parts
enterprise("ENT-DE-BRAKE-01", "Rheinland Reibbelag GmbH", ["MANUFACTURER", "EXPORTER"], "DE", "Nordrhein-Westfalen")
enterprise("ENT-JP-BRAKE-01", "Chubu Friction Materials Co., Ltd.", ["MANUFACTURER", "EXPORTER"], "JP", "Aichi")
enterprise(
    "ENT-CN-BRAKE-01",
    "Xinxiang Hengtong Brake Systems Co., Ltd.",
    ["MANUFACTURER", "IMPORTER"],
    CN,
    XX,
    "410702",
    "ADVANCED_CERTIFIED",
)
enterprise(
    "ENT-CN-CASTING-01",
    "Kaifeng Zhongyuan Precision Casting Co., Ltd.",
    ["MANUFACTURER"],
    CN,
    "Kaifeng, Henan",
    "410200",
)
enterprise(
    "ENT-CN-CARMAKER-01", "Henan Zhongzhou Automobile Co., Ltd.", ["MANUFACTURER"], CN, "Zhengzhou, Henan", "410100"
)
enterprise(
    "ENT-CN-CARMAKER-02", "Hubei Jianghan Commercial Vehicle Co., Ltd.", ["MANUFACTURER"], CN, "Wuhan, Hubei", "420100"
)
enterprise("ENT-CN-CARDEALER-01", "Xinxiang Zhongzhou Auto Sales & Service Co., Ltd.", ["RETAILER"], CN, XX, "410702")

# ================================================================= people and links

PEOPLE = {
    "P-ZHANG-WEI": "Zhang Wei",
    "P-LI-NA": "Li Na",
    "P-ZHOU-HUI": "Zhou Hui",
    "P-ZHAO-LEI": "Zhao Lei",
    "P-WANG-JIANGUO": "Wang Jianguo",
    "P-WANG-FANG": "Wang Fang",
    "P-CHEN-JIE": "Chen Jie",
    "P-XU-MING": "Xu Ming",
    "P-HE-TAO": "He Tao",
    "P-GUO-QIANG": "Guo Qiang",
    "P-LIU-YANG": "Liu Yang",
    "P-MA-LI": "Ma Li",
    "P-ZHAO-MIN": "Zhao Min",
    "P-SUN-LEI": "Sun Lei",
    "P-TIAN-YU": "Tian Yu",
    "P-DENG-HAO": "Deng Hao",
}
for pid, pname in PEOPLE.items():
    person(pid, pname)

SH, LR, OF = "SHAREHOLDER", "LEGAL_REPRESENTATIVE", "OFFICER"
LINKS = [
    # The Muyang group: the holding owns 60 % of the formula maker and 55 % of a distributor,
    # and 35 % of the distributor that is later blacklisted.
    (SH, "P-ZHANG-WEI", "ENT-CN-HOLDING-01", 0.6),
    (SH, "P-LI-NA", "ENT-CN-HOLDING-01", 0.35),
    (SH, "P-ZHOU-HUI", "ENT-CN-HOLDING-01", 0.05),
    (LR, "P-ZHANG-WEI", "ENT-CN-HOLDING-01", None),
    (SH, "ENT-CN-HOLDING-01", "ENT-CN-IFM-01", 0.6),
    (SH, "ENT-NZ-DAIRY-01", "ENT-CN-IFM-01", 0.1),
    (SH, "P-LI-NA", "ENT-CN-IFM-01", 0.05),
    (LR, "P-LI-NA", "ENT-CN-IFM-01", None),
    (OF, "P-ZHANG-WEI", "ENT-CN-IFM-01", None),
    (SH, "ENT-CN-HOLDING-01", "ENT-CN-DIST-03", 0.55),
    (SH, "P-ZHAO-LEI", "ENT-CN-DIST-03", 0.45),
    (LR, "P-ZHAO-LEI", "ENT-CN-DIST-03", None),
    (OF, "P-LI-NA", "ENT-CN-DIST-03", None),
    (SH, "ENT-CN-HOLDING-01", "ENT-CN-DIST-01", 0.35),
    (SH, "P-WANG-JIANGUO", "ENT-CN-DIST-01", 0.65),
    (LR, "P-WANG-JIANGUO", "ENT-CN-DIST-01", None),
    # the blacklisted distributor's owner also controls a baby store
    (SH, "P-WANG-JIANGUO", "ENT-CN-RETAIL-03", 0.6),
    (SH, "P-WANG-FANG", "ENT-CN-RETAIL-03", 0.4),
    (LR, "P-WANG-FANG", "ENT-CN-RETAIL-03", None),
    # importer and cross-border trade
    (SH, "P-CHEN-JIE", "ENT-CN-IMPORTER-01", 0.6),
    (SH, "P-XU-MING", "ENT-CN-IMPORTER-01", 0.4),
    (LR, "P-CHEN-JIE", "ENT-CN-IMPORTER-01", None),
    (SH, "P-HE-TAO", "ENT-CN-CBS-01", 0.65),
    (SH, "P-CHEN-JIE", "ENT-CN-CBS-01", 0.35),
    (LR, "P-HE-TAO", "ENT-CN-CBS-01", None),
    (SH, "P-GUO-QIANG", "ENT-CN-ECOM-01", 0.4),
    (LR, "P-GUO-QIANG", "ENT-CN-ECOM-01", None),
    (OF, "P-HE-TAO", "ENT-CN-ECOM-01", None),
    # toys: the toy maker controls its parts supplier; its legal representative is an officer of the paint supplier
    (SH, "P-LIU-YANG", "ENT-CN-TOY-01", 0.6),
    (LR, "P-LIU-YANG", "ENT-CN-TOY-01", None),
    (SH, "ENT-CN-TOY-01", "ENT-CN-TOYPARTS-01", 0.51),
    (SH, "P-MA-LI", "ENT-CN-TOYPARTS-01", 0.49),
    (LR, "P-MA-LI", "ENT-CN-TOYPARTS-01", None),
    (SH, "P-ZHAO-MIN", "ENT-CN-PAINT-01", 1.0),
    (LR, "P-ZHAO-MIN", "ENT-CN-PAINT-01", None),
    (OF, "P-LIU-YANG", "ENT-CN-PAINT-01", None),
    # auto parts
    (SH, "P-SUN-LEI", "ENT-CN-BRAKE-01", 0.6),
    (LR, "P-SUN-LEI", "ENT-CN-BRAKE-01", None),
    (OF, "P-ZHOU-HUI", "ENT-CN-BRAKE-01", None),
    (SH, "ENT-DE-BRAKE-01", "ENT-CN-BRAKE-01", 0.1),
    (SH, "P-SUN-LEI", "ENT-CN-CASTING-01", 0.1),
    (LR, "P-TIAN-YU", "ENT-CN-CASTING-01", None),
    (SH, "P-TIAN-YU", "ENT-CN-CASTING-01", 0.9),
    (LR, "P-DENG-HAO", "ENT-CN-CARMAKER-01", None),
    (OF, "P-DENG-HAO", "ENT-CN-CARDEALER-01", None),
]
for kind, frm, to, share in LINKS:
    link(kind, frm, to, share)

# ================================================================= products

P_RAW = product("PRD-RAW-MILK", "Raw cow's milk (bulk)", "0401200000", "FOOD")
P_WMP = product("PRD-WMP-26", "Whole milk powder, 26 % fat, 25 kg bags", "0402210000", "FOOD")
P_LAC = product("PRD-LACTOSE", "Lactose, edible grade, 25 kg bags", "1702110000", "FOOD")
P_PMX = product("PRD-VIT-PREMIX", "Vitamin and mineral premix for infant formula", "2936900000", "FOOD")
P_IFB = product("PRD-IF-BASE", "Infant formula base powder (bulk)", "1901109000", "FOOD")
P_IF1 = product(gtin13("697520100001"), "Muyang Stage 1 Infant Formula 900 g can", "1901101000", "FOOD", "Muyang")
P_IF2 = product(gtin13("697520100002"), "Muyang Stage 2 Follow-on Formula 900 g can", "1901101000", "FOOD", "Muyang")
P_BIS = product(gtin13("697520300001"), "Maixiang Milk Biscuits 200 g", "1905310000", "FOOD", "Maixiang")
P_ABS = product("PRD-ABS-RESIN", "ABS resin pellets, toy grade", "3903300000", "OTHER")
P_PNT = product("PRD-TOY-PAINT", "Water-based acrylic paint for toys", "3209100000", "OTHER")
P_SHL = product("PRD-RIDEON-SHELL", "Ride-on car body shell, painted", "9503009000", "CHILDREN_PRODUCT")
P_BRK = product("PRD-TOY-BRICK", "Moulded toy building bricks (loose)", "9503009000", "TOY")
P_RID = product(gtin13("697520500001"), "Lele Ride-on Car for ages 1-3", "9503001000", "CHILDREN_PRODUCT", "Lele")
P_BLK = product(gtin13("697520500002"), "Lele Building Blocks 120 pcs", "9503008900", "TOY", "Lele")
P_PAD = product("PRD-BRAKE-PAD", "Disc brake pad set, passenger car", "8708301000", "AUTO_PART")
P_CAL = product("PRD-BRAKE-CALIPER", "Brake caliper housing, cast iron", "8708309900", "AUTO_PART")
P_ASM = product("PRD-BRAKE-ASSY", "Disc brake assembly (caliper with pads)", "8708302900", "AUTO_PART")
P_CAR = product("PRD-SEDAN-ZZ5", "Zhongzhou ZZ5 1.5 L sedan", "8703234190", "AUTO", "Zhongzhou")

# ================================================================= 1. milk powder and infant formula

NZ, NL, FR = "ENT-NZ-DAIRY-01", "ENT-NL-DAIRY-01", "ENT-FR-DAIRY-01"
IMP, IFM, BAKERY = "ENT-CN-IMPORTER-01", "ENT-CN-IFM-01", "ENT-CN-BAKERY-01"

# tier 0: raw milk collected by the dairies (kg)
batch("LOT-RAW-NZ-2026-0105", P_RAW, NZ, 200000, "KGM", "2026-01-05", "NZ")
batch("LOT-RAW-NZ-2026-0106", P_RAW, NZ, 180000, "KGM", "2026-01-06", "NZ")
batch("LOT-RAW-NL-2026-0107", P_RAW, NL, 160000, "KGM", "2026-01-07", "NL")
batch("LOT-RAW-FR-2026-0108", P_RAW, FR, 150000, "KGM", "2026-01-08", "FR")

# tier 1: whole milk powder (about 8 kg of milk per kg of powder); LOT-WMP-NZ-2026-0112 co-mingles two milk lots
batch("LOT-WMP-NZ-2026-0108", P_WMP, NZ, 20000, "KGM", "2026-01-08", "NZ", {"LOT-RAW-NZ-2026-0105": 160000})
batch(
    "LOT-WMP-NZ-2026-0112",
    P_WMP,
    NZ,
    22000,
    "KGM",
    "2026-01-12",
    "NZ",
    {"LOT-RAW-NZ-2026-0105": 40000, "LOT-RAW-NZ-2026-0106": 136000},
)
batch("LOT-WMP-NZ-2026-0115", P_WMP, NZ, 5000, "KGM", "2026-01-15", "NZ", {"LOT-RAW-NZ-2026-0106": 40000})
batch("LOT-WMP-NL-2026-0110", P_WMP, NL, 18000, "KGM", "2026-01-10", "NL", {"LOT-RAW-NL-2026-0107": 144000})
batch("LOT-WMP-FR-2026-0111", P_WMP, FR, 16000, "KGM", "2026-01-11", "FR", {"LOT-RAW-FR-2026-0108": 128000})
batch("LOT-LAC-US-2026-0105", P_LAC, "ENT-US-WHEY-01", 20000, "KGM", "2026-01-05", "US")
batch("LOT-LAC-US-2026-0120", P_LAC, "ENT-US-WHEY-01", 20000, "KGM", "2026-01-20", "US")
batch("LOT-PMX-2026-0115", P_PMX, "ENT-CN-PREMIX-01", 2000, "KGM", "2026-01-15", "CN")
batch("LOT-PMX-2026-0201", P_PMX, "ENT-CN-PREMIX-01", 2000, "KGM", "2026-02-01", "CN")

# imports through Qingdao (CNTAO): one declaration each
IMPORTS = [  # lot, exporter, kg, declared at
    ("LOT-LAC-US-2026-0105", "ENT-US-WHEY-01", 20000, "2026-01-28"),
    ("LOT-WMP-NZ-2026-0108", NZ, 20000, "2026-02-03"),
    ("LOT-WMP-NZ-2026-0112", NZ, 22000, "2026-02-03"),
    ("LOT-WMP-NZ-2026-0115", NZ, 5000, "2026-02-03"),
    ("LOT-WMP-NL-2026-0110", NL, 18000, "2026-02-10"),
    ("LOT-WMP-FR-2026-0111", FR, 16000, "2026-02-12"),
    ("LOT-LAC-US-2026-0120", "ENT-US-WHEY-01", 20000, "2026-02-18"),
]
for n, (lot, exporter, kg, when) in enumerate(IMPORTS, 1):
    ship(lot, exporter, IMP, kg, when, "IMPORT", "CNTAO", declaration("4258", when, True, 310200 + n))
    # port inspection of every imported dairy lot
    report(
        "LAB-QD-CIQ",
        lot,
        day(when, 2),
        [("Melamine", 0.05, 1.0, "mg/kg"), ("Aflatoxin M1", 0.08, 0.5, "ug/kg"), ("Lead (Pb)", 0.02, 0.5, "mg/kg")],
    )

# the importer delivers to the formula maker (and one lot partly to a biscuit maker)
for lot, to, kg, when in [
    ("LOT-LAC-US-2026-0105", IFM, 20000, "2026-02-01"),
    ("LOT-WMP-NZ-2026-0108", IFM, 12000, "2026-02-06"),
    ("LOT-WMP-NZ-2026-0112", IFM, 20000, "2026-02-06"),
    ("LOT-WMP-NZ-2026-0112", BAKERY, 2000, "2026-02-07"),
    ("LOT-WMP-NZ-2026-0115", IFM, 5000, "2026-02-06"),
    ("LOT-WMP-NL-2026-0110", IFM, 18000, "2026-02-13"),
    ("LOT-WMP-FR-2026-0111", IFM, 16000, "2026-02-15"),
    ("LOT-WMP-NZ-2026-0108", IFM, 8000, "2026-02-20"),
    ("LOT-LAC-US-2026-0120", IFM, 20000, "2026-02-21"),
]:
    ship(lot, IMP, to, kg, when)
ship("LOT-PMX-2026-0115", "ENT-CN-PREMIX-01", IFM, 2000, "2026-01-20")
ship("LOT-PMX-2026-0201", "ENT-CN-PREMIX-01", IFM, 2000, "2026-02-05")
for lot in ("LOT-PMX-2026-0115", "LOT-PMX-2026-0201"):
    report("LAB-MY-QC", lot, day(batches[lot]["producedAt"], 6), [("Lead (Pb)", 0.1, 0.5, "mg/kg")])

# tier 2: formula base powder (wet mix and spray drying), kg
BASES = {
    "LOT-IFB-2026-0210-A": (
        15000,
        "2026-02-10",
        {
            "LOT-WMP-NZ-2026-0108": 8000,
            "LOT-WMP-NZ-2026-0112": 4000,
            "LOT-LAC-US-2026-0105": 2600,
            "LOT-PMX-2026-0115": 400,
        },
    ),
    "LOT-IFB-2026-0214-B": (
        16000,
        "2026-02-14",
        {
            "LOT-WMP-NZ-2026-0112": 9000,
            "LOT-WMP-NL-2026-0110": 4000,
            "LOT-LAC-US-2026-0105": 2600,
            "LOT-PMX-2026-0115": 400,
        },
    ),
    "LOT-IFB-2026-0218-C": (
        14000,
        "2026-02-18",
        {
            "LOT-WMP-NL-2026-0110": 8000,
            "LOT-WMP-FR-2026-0111": 3000,
            "LOT-LAC-US-2026-0105": 2600,
            "LOT-PMX-2026-0115": 400,
        },
    ),
    "LOT-IFB-2026-0224-D": (
        15000,
        "2026-02-24",
        {
            "LOT-WMP-FR-2026-0111": 9000,
            "LOT-WMP-NZ-2026-0108": 3000,
            "LOT-LAC-US-2026-0120": 2600,
            "LOT-PMX-2026-0201": 400,
        },
    ),
    "LOT-IFB-2026-0303-E": (
        12000,
        "2026-03-03",
        {
            "LOT-WMP-NZ-2026-0108": 6000,
            "LOT-WMP-NZ-2026-0115": 4000,
            "LOT-LAC-US-2026-0120": 1600,
            "LOT-PMX-2026-0201": 400,
        },
    ),
}
for lot, (kg, when, inputs) in BASES.items():
    batch(lot, P_IFB, IFM, kg, "KGM", when, "CN", inputs)
    report(
        "LAB-MY-QC",
        lot,
        day(when, 1),
        [("Cronobacter spp.", 0, 0, "MPN/100g"), ("Nitrite (as NaNO2)", 0.4, 2.0, "mg/kg")],
    )

# tier 3: canned formula (900 g cans): base powder dry-blended with lactose and premix. The lactose and premix
# lots also reach the cans through the base (diamonds); LOT-IF2-2026-0308 also takes whole milk powder directly.
CANS = {
    "LOT-IF1-2026-0301": (
        P_IF1,
        12000,
        "2026-03-01",
        {"LOT-IFB-2026-0210-A": 9000, "LOT-LAC-US-2026-0105": 1500, "LOT-PMX-2026-0115": 300},
    ),
    "LOT-IF1-2026-0305": (
        P_IF1,
        10000,
        "2026-03-05",
        {
            "LOT-IFB-2026-0210-A": 6000,
            "LOT-IFB-2026-0214-B": 2000,
            "LOT-LAC-US-2026-0105": 900,
            "LOT-PMX-2026-0115": 100,
        },
    ),
    "LOT-IF2-2026-0308": (
        P_IF2,
        14000,
        "2026-03-08",
        {
            "LOT-IFB-2026-0214-B": 10000,
            "LOT-WMP-NL-2026-0110": 1500,
            "LOT-LAC-US-2026-0105": 1000,
            "LOT-PMX-2026-0115": 100,
        },
    ),
    "LOT-IF1-2026-0312": (
        P_IF1,
        11000,
        "2026-03-12",
        {"LOT-IFB-2026-0218-C": 8500, "LOT-LAC-US-2026-0105": 1200, "LOT-PMX-2026-0115": 200},
    ),
    "LOT-IF2-2026-0316": (
        P_IF2,
        12000,
        "2026-03-16",
        {
            "LOT-IFB-2026-0218-C": 5500,
            "LOT-IFB-2026-0214-B": 4000,
            "LOT-LAC-US-2026-0120": 1100,
            "LOT-PMX-2026-0201": 200,
        },
    ),
    "LOT-IF1-2026-0320": (
        P_IF1,
        13000,
        "2026-03-20",
        {"LOT-IFB-2026-0224-D": 10000, "LOT-LAC-US-2026-0120": 1500, "LOT-PMX-2026-0201": 200},
    ),
    "LOT-IF2-2026-0325": (
        P_IF2,
        10000,
        "2026-03-25",
        {
            "LOT-IFB-2026-0224-D": 5000,
            "LOT-IFB-2026-0303-E": 3500,
            "LOT-LAC-US-2026-0120": 400,
            "LOT-PMX-2026-0201": 100,
        },
    ),
    "LOT-IF1-2026-0402": (
        P_IF1,
        9000,
        "2026-04-02",
        {"LOT-IFB-2026-0303-E": 7800, "LOT-LAC-US-2026-0120": 200, "LOT-PMX-2026-0201": 100},
    ),
}
FORMULA_OK = [
    ("Cronobacter spp.", 0, 0, "MPN/100g"),
    ("Melamine", 0.03, 1.0, "mg/kg"),
    ("Lead (Pb)", 0.01, 0.15, "mg/kg"),
]
for lot, (prod, cans, when, inputs) in CANS.items():
    batch(lot, prod, IFM, cans, "EA", when, "CN", inputs)
    # release test; the lot that later fails was released on a report of a lab that is now suspended
    release_lab = "LAB-XX-KUAIJIAN" if lot == "LOT-IF1-2026-0305" else "LAB-HN-FOOD"
    report(release_lab, lot, day(when, 2), FORMULA_OK)

# distribution: formula maker -> distributors (cans, days after production)
DIST1, DIST2, DIST3 = "ENT-CN-DIST-01", "ENT-CN-DIST-02", "ENT-CN-DIST-03"
ALLOCATIONS = {
    "LOT-IF1-2026-0301": [(DIST1, 4000, 3), (DIST2, 4500, 4), (DIST3, 3000, 5)],
    "LOT-IF1-2026-0305": [(DIST1, 3500, 3), (DIST2, 3000, 4), (DIST3, 3000, 4)],
    "LOT-IF2-2026-0308": [(DIST2, 6000, 3), (DIST3, 7000, 5)],
    "LOT-IF1-2026-0312": [(DIST1, 4000, 3), (DIST2, 5000, 4)],
    "LOT-IF2-2026-0316": [(DIST1, 3000, 3), (DIST3, 8000, 4)],
    "LOT-IF1-2026-0320": [(DIST2, 6000, 3), (DIST3, 6000, 5)],
    "LOT-IF2-2026-0325": [(DIST2, 5000, 3), (DIST3, 4500, 4)],
    "LOT-IF1-2026-0402": [(DIST2, 4000, 3), (DIST3, 4000, 4)],
}
# each distributor's customers: retailers, the e-commerce platform, the cross-border seller
CUSTOMERS = {
    DIST1: ["ENT-CN-RETAIL-01", "ENT-CN-RETAIL-03", "ENT-CN-CBS-01"],
    DIST2: ["ENT-CN-RETAIL-04", "ENT-CN-ECOM-01", "ENT-CN-RETAIL-02"],
    DIST3: ["ENT-CN-RETAIL-02", "ENT-CN-RETAIL-05", "ENT-CN-ECOM-01", "ENT-CN-CBS-01"],
}
for i, (lot, allocations) in enumerate(ALLOCATIONS.items()):
    made = batches[lot]["producedAt"]
    for dist, cans, after in allocations:
        received = day(made, after)
        ship(lot, IFM, dist, cans, received)
        # the distributor sells on 75-90 % of what it got, in 12-can cartons; the first customer (rotating)
        # re-orders two weeks later, so it holds the lot from two shipments
        customers = CUSTOMERS[dist][i % len(CUSTOMERS[dist]) :] + CUSTOMERS[dist][: i % len(CUSTOMERS[dist])]
        weights = [RNG.uniform(1, 3) for _ in customers]
        to_sell = cans * RNG.uniform(0.75, 0.9)
        for k, (cust, w) in enumerate(zip(customers, weights, strict=True)):
            qty = int(to_sell * w / sum(weights)) // 12 * 12
            first = day(received, RNG.randint(2, 8))
            if k == 0:
                ship(lot, dist, cust, qty // 24 * 12, first)
                ship(lot, dist, cust, qty - qty // 24 * 12, day(first, 14))
            else:
                ship(lot, dist, cust, qty, first)

# the biscuit maker uses part of the suspect milk powder lot
batch("LOT-BISCUIT-2026-0215", P_BIS, BAKERY, 30000, "EA", "2026-02-15", "CN", {"LOT-WMP-NZ-2026-0112": 1500})
ship("LOT-BISCUIT-2026-0215", BAKERY, "ENT-CN-RETAIL-02", 12000, "2026-02-18")
ship("LOT-BISCUIT-2026-0215", BAKERY, "ENT-CN-RETAIL-05", 8000, "2026-02-19")

# the incident: market sampling finds Cronobacter in a Stage 1 lot; the retained sample of the imported
# whole milk powder fails too; an unaffected lot sampled at the same time passes
CRONO_FAIL = [("Cronobacter spp.", 3, 0, "MPN/100g"), ("Melamine", 0.03, 1.0, "mg/kg")]
report("LAB-HN-FOOD", "LOT-IF1-2026-0305", "2026-04-08", CRONO_FAIL)
report("LAB-HN-FOOD", "LOT-IF1-2026-0312", "2026-04-08", FORMULA_OK)
report("LAB-HN-FOOD", "LOT-IFB-2026-0214-B", "2026-04-10", [("Cronobacter spp.", 2, 0, "MPN/100g")])
report("LAB-HN-FOOD", "LOT-WMP-NZ-2026-0112", "2026-04-11", [("Cronobacter spp.", 4, 0, "MPN/100g")])

# ================================================================= 2. toys

RESIN, PAINT, PARTS, TOY = "ENT-CN-RESIN-01", "ENT-CN-PAINT-01", "ENT-CN-TOYPARTS-01", "ENT-CN-TOY-01"
batch("LOT-ABS-2026-0110", P_ABS, RESIN, 30000, "KGM", "2026-01-10", "CN")
batch("LOT-ABS-2026-0205", P_ABS, RESIN, 30000, "KGM", "2026-02-05", "CN")
batch("LOT-PAINT-2026-0120", P_PNT, PAINT, 3000, "KGM", "2026-01-20", "CN")
batch("LOT-PAINT-2026-0215", P_PNT, PAINT, 3000, "KGM", "2026-02-15", "CN")
ship("LOT-ABS-2026-0110", RESIN, PARTS, 12000, "2026-01-15")
ship("LOT-ABS-2026-0205", RESIN, PARTS, 12000, "2026-02-09")
ship("LOT-PAINT-2026-0120", PAINT, PARTS, 800, "2026-01-24")
ship("LOT-PAINT-2026-0215", PAINT, PARTS, 800, "2026-02-18")
ship("LOT-PAINT-2026-0215", PAINT, TOY, 200, "2026-02-20")  # touch-up paint for the final assembly

batch(
    "LOT-SHELL-2026-0201",
    P_SHL,
    PARTS,
    10000,
    "EA",
    "2026-02-01",
    "CN",
    {"LOT-ABS-2026-0110": 8000, "LOT-PAINT-2026-0120": 600},
)
batch("LOT-BRICK-2026-0203", P_BRK, PARTS, 1000000, "EA", "2026-02-03", "CN", {"LOT-ABS-2026-0110": 2200})
batch(
    "LOT-SHELL-2026-0225",
    P_SHL,
    PARTS,
    10000,
    "EA",
    "2026-02-25",
    "CN",
    {"LOT-ABS-2026-0205": 8000, "LOT-PAINT-2026-0215": 600},
)
batch("LOT-BRICK-2026-0228", P_BRK, PARTS, 1200000, "EA", "2026-02-28", "CN", {"LOT-ABS-2026-0205": 2600})
ship("LOT-SHELL-2026-0201", PARTS, TOY, 10000, "2026-02-05")
ship("LOT-BRICK-2026-0203", PARTS, TOY, 1000000, "2026-02-07")
ship("LOT-SHELL-2026-0225", PARTS, TOY, 10000, "2026-03-02")
ship("LOT-BRICK-2026-0228", PARTS, TOY, 1200000, "2026-03-03")

batch("LOT-RIDEON-2026-0210", P_RID, TOY, 9500, "EA", "2026-02-10", "CN", {"LOT-SHELL-2026-0201": 9500})
batch("LOT-BLOCKS-2026-0212", P_BLK, TOY, 8000, "EA", "2026-02-12", "CN", {"LOT-BRICK-2026-0203": 960000})
batch(
    "LOT-RIDEON-2026-0305",
    P_RID,
    TOY,
    9800,
    "EA",
    "2026-03-05",
    "CN",
    {"LOT-SHELL-2026-0225": 9800, "LOT-PAINT-2026-0215": 30},
)
batch("LOT-BLOCKS-2026-0306", P_BLK, TOY, 9000, "EA", "2026-03-06", "CN", {"LOT-BRICK-2026-0228": 1080000})

DE_BUY, GB_BUY = "ENT-DE-TOYBUY-01", "ENT-GB-TOYBUY-01"
RETAIL2, RETAIL5, ECOM = "ENT-CN-RETAIL-02", "ENT-CN-RETAIL-05", "ENT-CN-ECOM-01"
TOY_SALES = [  # lot, consignee, pieces, date (exports through Ningbo, CNNGB)
    ("LOT-RIDEON-2026-0210", RETAIL2, 1500, "2026-02-18"),
    ("LOT-RIDEON-2026-0210", ECOM, 1200, "2026-02-19"),
    ("LOT-RIDEON-2026-0210", DE_BUY, 3000, "2026-02-20"),
    ("LOT-RIDEON-2026-0210", DE_BUY, 3000, "2026-03-05"),
    ("LOT-BLOCKS-2026-0212", RETAIL2, 1200, "2026-02-18"),
    ("LOT-BLOCKS-2026-0212", ECOM, 1000, "2026-02-20"),
    ("LOT-BLOCKS-2026-0212", GB_BUY, 5000, "2026-02-24"),
    ("LOT-RIDEON-2026-0305", RETAIL2, 1200, "2026-03-10"),
    ("LOT-RIDEON-2026-0305", ECOM, 800, "2026-03-12"),
    ("LOT-RIDEON-2026-0305", RETAIL5, 400, "2026-03-14"),
    ("LOT-BLOCKS-2026-0306", ECOM, 1500, "2026-03-11"),
    ("LOT-BLOCKS-2026-0306", DE_BUY, 4000, "2026-03-12"),
    ("LOT-BLOCKS-2026-0306", GB_BUY, 3000, "2026-03-16"),
]
for n, (lot, to, pcs, when) in enumerate(TOY_SALES, 1):
    if to in (DE_BUY, GB_BUY):
        ship(lot, TOY, to, pcs, when, "EXPORT", "CNNGB", declaration("3104", when, False, 520400 + n))
    else:
        ship(lot, TOY, to, pcs, when, "DOMESTIC")

TOY_OK = [("DEHP", 0.01, 0.1, "% (w/w)"), ("DBP", 0.005, 0.1, "% (w/w)"), ("Soluble lead (Pb)", 4.0, 90.0, "mg/kg")]
report("LAB-NB-TOY", "LOT-RIDEON-2026-0210", "2026-02-16", TOY_OK)
report("LAB-NB-TOY", "LOT-BLOCKS-2026-0212", "2026-02-16", TOY_OK)
report("LAB-ZZ-HUACE", "LOT-RIDEON-2026-0305", "2026-03-08", TOY_OK)  # lab later revoked
report("LAB-NB-TOY", "LOT-BLOCKS-2026-0306", "2026-03-09", TOY_OK)
report(
    "LAB-NB-TOY",
    "LOT-RIDEON-2026-0305",
    "2026-03-20",  # pre-export inspection: the export is stopped
    [("DEHP", 0.86, 0.1, "% (w/w)"), ("DBP", 0.02, 0.1, "% (w/w)"), ("Soluble lead (Pb)", 6.0, 90.0, "mg/kg")],
)
report("LAB-NB-TOY", "LOT-PAINT-2026-0215", "2026-03-24", [("DEHP", 2.4, 0.1, "% (w/w)")])
report("LAB-NB-TOY", "LOT-PAINT-2026-0120", "2026-03-25", [("DEHP", 0.02, 0.1, "% (w/w)")])

# ================================================================= 3. auto parts

DE_PAD, JP_PAD, BRAKE, CAST = "ENT-DE-BRAKE-01", "ENT-JP-BRAKE-01", "ENT-CN-BRAKE-01", "ENT-CN-CASTING-01"
CAR1, CAR2 = "ENT-CN-CARMAKER-01", "ENT-CN-CARMAKER-02"
batch("LOT-PAD-DE-2026-0115", P_PAD, DE_PAD, 40000, "EA", "2026-01-15", "DE")
batch("LOT-PAD-JP-2026-0120", P_PAD, JP_PAD, 30000, "EA", "2026-01-20", "JP")
batch("LOT-PAD-DE-2026-0205", P_PAD, DE_PAD, 40000, "EA", "2026-02-05", "DE")
for n, (lot, exporter, when) in enumerate(
    [
        ("LOT-PAD-DE-2026-0115", DE_PAD, "2026-02-10"),
        ("LOT-PAD-JP-2026-0120", JP_PAD, "2026-02-14"),
        ("LOT-PAD-DE-2026-0205", DE_PAD, "2026-03-02"),
    ],
    1,
):
    ship(
        lot,
        exporter,
        BRAKE,
        batches[lot]["quantity"],
        when,
        "IMPORT",
        "CNSHA",
        declaration("2248", when, True, 770100 + n),
    )
    report(
        "LAB-SH-AUTO",
        lot,
        day(when, 1),
        [("Asbestos content", 0, 0, "% (w/w)"), ("Copper content", 2.1, 5.0, "% (w/w)")],
    )
batch("LOT-CALIPER-2026-0201", P_CAL, CAST, 30000, "EA", "2026-02-01", "CN")
batch("LOT-CALIPER-2026-0301", P_CAL, CAST, 30000, "EA", "2026-03-01", "CN")
ship("LOT-CALIPER-2026-0201", CAST, BRAKE, 30000, "2026-02-06")
ship("LOT-CALIPER-2026-0301", CAST, BRAKE, 30000, "2026-03-04")

ASSEMBLIES = {
    "LOT-BRKASSY-2026-0220": (20000, "2026-02-20", {"LOT-PAD-DE-2026-0115": 20000, "LOT-CALIPER-2026-0201": 20000}),
    "LOT-BRKASSY-2026-0225": (10000, "2026-02-25", {"LOT-PAD-JP-2026-0120": 10000, "LOT-CALIPER-2026-0201": 10000}),
    "LOT-BRKASSY-2026-0310": (
        20000,
        "2026-03-10",
        {"LOT-PAD-DE-2026-0115": 10000, "LOT-PAD-DE-2026-0205": 10000, "LOT-CALIPER-2026-0301": 20000},
    ),
    "LOT-BRKASSY-2026-0318": (10000, "2026-03-18", {"LOT-PAD-JP-2026-0120": 10000, "LOT-CALIPER-2026-0301": 10000}),
}
for lot, (qty, when, inputs) in ASSEMBLIES.items():
    batch(lot, P_ASM, BRAKE, qty, "EA", when, "CN", inputs)
    report(
        "LAB-SH-AUTO",
        lot,
        day(when, 2),
        [("Asbestos content", 0, 0, "% (w/w)"), ("Cadmium content", 0.0005, 0.01, "% (w/w)")],
    )
for lot, to, qty, when in [
    ("LOT-BRKASSY-2026-0220", CAR1, 8000, "2026-02-24"),
    ("LOT-BRKASSY-2026-0220", CAR2, 4000, "2026-02-26"),
    ("LOT-BRKASSY-2026-0220", CAR1, 6000, "2026-03-10"),
    ("LOT-BRKASSY-2026-0225", CAR2, 9000, "2026-03-01"),
    ("LOT-BRKASSY-2026-0310", CAR1, 10000, "2026-03-14"),
    ("LOT-BRKASSY-2026-0310", CAR2, 8000, "2026-03-16"),
    ("LOT-BRKASSY-2026-0318", CAR2, 6000, "2026-03-22"),
    ("LOT-BRKASSY-2026-0318", CAR1, 3000, "2026-03-24"),
]:
    ship(lot, BRAKE, to, qty, when)

# four brake assemblies per car
batch("LOT-CAR-ZZ5-2026-0305", P_CAR, CAR1, 2000, "EA", "2026-03-05", "CN", {"LOT-BRKASSY-2026-0220": 8000})
batch(
    "LOT-CAR-ZZ5-2026-0325",
    P_CAR,
    CAR1,
    2500,
    "EA",
    "2026-03-25",
    "CN",
    {"LOT-BRKASSY-2026-0220": 4000, "LOT-BRKASSY-2026-0310": 6000},
)
ship("LOT-CAR-ZZ5-2026-0305", CAR1, "ENT-CN-CARDEALER-01", 300, "2026-03-12")
ship("LOT-CAR-ZZ5-2026-0305", CAR1, "ENT-CN-CARDEALER-01", 200, "2026-03-28")
ship("LOT-CAR-ZZ5-2026-0325", CAR1, "ENT-CN-CARDEALER-01", 400, "2026-04-02")

# ================================================================= blacklist

blacklist(
    "BL-XX-2026-0001",
    DIST1,
    "Relabelled expired infant formula with new production dates and sold it to retailers",
    "2026-04-15",
    agency_id="AG-XX-SAMR",
    serious=True,
)
blacklist(
    "BL-XX-2026-0002",
    PAINT,
    "Supplied toy paint containing DEHP far above the limit under a false declaration of conformity",
    "2026-04-02",
    agency_id="AG-XX-CUSTOMS",
    expires="2029-04-01",
)


# ================================================================= check

FIELDS = {  # type -> (required, optional)
    "enterprise": ({"id", "name"}, {"roles", "country", "region", "uscc", "creditGrade"}),
    "person": ({"id", "name"}, set()),
    "link": ({"kind", "from", "to"}, {"share"}),
    "product": ({"id", "name", "hsCode", "category"}, {"brand"}),
    "batch": ({"id", "product", "producer", "quantity", "unit", "producedAt"}, {"originCountry", "inputs"}),
    "shipment": ({"id", "batch", "from", "to", "quantity", "shippedAt"}, {"direction", "port", "declaration"}),
    "lab": ({"id", "name"}, {"accreditation", "recognized", "status", "statusSince"}),
    "agency": ({"id", "name", "kind"}, {"jurisdiction"}),
    "test_report": ({"id", "lab", "batch", "result", "testedAt"}, {"items"}),
    "blacklist": ({"id", "enterprise", "reason", "listedAt"}, {"agency", "expiresAt", "serious"}),
}
ROLES = {
    "MANUFACTURER",
    "IMPORTER",
    "EXPORTER",
    "DISTRIBUTOR",
    "RETAILER",
    "ECOMMERCE_PLATFORM",
    "CROSS_BORDER_SELLER",
    "LOGISTICS",
}
GRADES = {"ADVANCED_CERTIFIED", "CERTIFIED", "REGULAR", "DISHONEST", "SERIOUSLY_DISHONEST"}
CATEGORIES = {
    "FOOD",
    "FOOD_CONTACT",
    "COSMETICS",
    "TOY",
    "CHILDREN_PRODUCT",
    "INFANT_CLOTHING",
    "FUNCTIONAL_CLOTHING",
    "ELECTRICAL",
    "AUTO",
    "AUTO_PART",
    "NON_ROAD_MACHINERY",
    "OTHER",
}
COUNTRIES = {"CN", "NZ", "NL", "FR", "US", "DE", "JP", "GB"}  # ISO 3166-1 alpha-2 codes used here
ID_RE = re.compile(r"^[A-Za-z0-9._:/#-]{1,128}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z))?$")


def _date(s: str) -> datetime:
    assert isinstance(s, str) and DATE_RE.match(s), f"bad date {s!r}"
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def _pos(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0


def check(records: list[dict]) -> None:
    """Assert the contract's hard rules (and a few realism rules) on the records."""
    assert 250 <= len(records) <= 450, len(records)
    by_type: dict[str, dict[str, dict]] = defaultdict(dict)
    ids: set[str] = set()
    for r in records:
        t = r.get("type")
        assert t in FIELDS, f"unknown or missing type in {r}"
        required, optional = FIELDS[t]
        keys = set(r) - {"type"}
        assert required <= keys, f"{t} lacks {required - keys}: {r}"
        assert keys <= required | optional, f"{t} unknown fields {keys - required - optional}: {r}"
        if t != "link":
            assert ID_RE.match(r["id"]), r["id"]
            assert r["id"] not in ids, f"duplicate id {r['id']}"
            ids.add(r["id"])
            by_type[t][r["id"]] = r
    ent, per, bat = by_type["enterprise"], by_type["person"], by_type["batch"]

    def ref(kind: dict, key, where):
        assert key in kind, f"{where}: dangling reference {key!r}"

    for e in ent.values():
        assert set(e.get("roles", [])) <= ROLES, e
        assert e.get("country", "CN") in COUNTRIES, e
        assert e.get("creditGrade", "REGULAR") in GRADES, e
        if "uscc" in e:
            assert len(e["uscc"]) == 18 and uscc.is_valid(e["uscc"]), e["uscc"]
    seen_links = set()
    for r in records:
        if r["type"] != "link":
            continue
        ident = (r["kind"], r["from"], r["to"])
        assert ident not in seen_links, f"duplicate link {ident}"
        seen_links.add(ident)
        ref(ent, r["to"], ident)
        if r["kind"] == "SHAREHOLDER":
            assert r["from"] in per or r["from"] in ent, ident
            assert _pos(r.get("share")) and r["share"] <= 1, ident
        else:
            assert r["kind"] in ("LEGAL_REPRESENTATIVE", "OFFICER"), ident
            ref(per, r["from"], ident)
            assert "share" not in r, ident
    for p in by_type["product"].values():
        assert re.fullmatch(r"\d{6,10}", p["hsCode"]) and p["category"] in CATEGORIES, p
    for b in bat.values():
        ref(by_type["product"], b["product"], b["id"])
        ref(ent, b["producer"], b["id"])
        assert _pos(b["quantity"]) and b.get("originCountry", "CN") in COUNTRIES, b
        _date(b["producedAt"])
        for i in b.get("inputs", []):
            assert set(i) == {"batch", "quantity"} and _pos(i["quantity"]), b["id"]
            ref(bat, i["batch"], b["id"])
    # acyclicity: depth-first search over INPUT_TO, colouring nodes
    colour: dict[str, int] = {}

    def visit(bid: str) -> None:
        colour[bid] = 1
        for i in bat[bid].get("inputs", []):
            assert colour.get(i["batch"]) != 1, f"cycle through {bid}"
            if i["batch"] not in colour:
                visit(i["batch"])
        colour[bid] = 2

    for bid in bat:
        if bid not in colour:
            visit(bid)
    for b in bat.values():  # realism: an input lot is made before the lot it goes into
        for i in b.get("inputs", []):
            assert _date(bat[i["batch"]]["producedAt"]) < _date(b["producedAt"]), f"input newer than {b['id']}"
    for s in by_type["shipment"].values():
        for kind, key in ((bat, s["batch"]), (ent, s["from"]), (ent, s["to"])):
            ref(kind, key, s["id"])
        assert _pos(s["quantity"]) and s["from"] != s["to"], s
        assert s.get("direction", "DOMESTIC") in ("IMPORT", "EXPORT", "DOMESTIC"), s
        assert "port" not in s or re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", s["port"]), s
        assert _date(s["shippedAt"]) > _date(bat[s["batch"]]["producedAt"]), f"{s['id']} before production"
    for lb in by_type["lab"].values():
        assert lb.get("status", "ACTIVE") in ("ACTIVE", "SUSPENDED", "REVOKED"), lb
        assert isinstance(lb.get("recognized", False), bool), lb
    for a in by_type["agency"].values():
        assert a["kind"] in {
            "CUSTOMS",
            "MARKET_REGULATION",
            "HEALTH",
            "AGRICULTURE",
            "COMMERCE",
            "PORT_OFFICE",
            "OTHER",
        }, a
    for tr in by_type["test_report"].values():
        ref(by_type["lab"], tr["lab"], tr["id"])
        ref(bat, tr["batch"], tr["id"])
        assert tr["result"] in ("PASS", "FAIL"), tr
        assert _date(tr["testedAt"]) >= _date(bat[tr["batch"]]["producedAt"]), tr["id"]
        for it in tr.get("items", []):
            assert set(it) == {"name", "value", "limit", "unit", "pass"}, tr["id"]
        assert (tr["result"] == "PASS") == all(it["pass"] for it in tr.get("items", [])), tr["id"]
    for bl in by_type["blacklist"].values():
        ref(ent, bl["enterprise"], bl["id"])
        if "agency" in bl:
            ref(by_type["agency"], bl["agency"], bl["id"])
        assert _date(bl["listedAt"]) < _date(bl.get("expiresAt", "9999-12-31")), bl["id"]
        assert isinstance(bl.get("serious", False), bool), bl
        trades = [s for s in by_type["shipment"].values() if bl["enterprise"] in (s["from"], s["to"])]
        assert len({s["from"] for s in trades} | {s["to"] for s in trades}) > 2, f"{bl['id']} trades with others"

    # realism: stock of each lot at each holder never goes negative, in date order
    # (production adds, a shipment moves stock, use as an input consumes it at the output's production date)
    events = []
    for b in bat.values():
        events.append((_date(b["producedAt"]), 0, None, b["producer"], b["id"], b["quantity"]))
        for i in b.get("inputs", []):
            events.append((_date(b["producedAt"]), 2, b["producer"], None, i["batch"], i["quantity"]))
    for s in by_type["shipment"].values():
        events.append((_date(s["shippedAt"]), 1, s["from"], s["to"], s["batch"], s["quantity"]))
    stock: Counter = Counter()
    for when, _, frm, to, lot, qty in sorted(events, key=lambda e: (e[0], e[1])):
        if frm:
            stock[(lot, frm)] -= qty
            assert stock[(lot, frm)] >= 0, f"{frm} lacks {lot} on {when.date()}"
        if to:
            stock[(lot, to)] += qty


def main() -> None:
    check(records)
    OUT.write_text(
        "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records), encoding="utf-8"
    )
    counts = Counter(r["type"] for r in records)
    print(f"wrote {len(records)} records to {OUT}")
    for t in FIELDS:
        print(f"  {t:12} {counts[t]}")


if __name__ == "__main__":
    main()
