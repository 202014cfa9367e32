"""The demo scenario's data (seed/DEMO.md): `build()` returns its records; nothing is built at import.

Xinxiang, Henan, with the ports of Qingdao CNTAO, Ningbo CNNGB and Shanghai CNSHA:

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

The users' language: Chinese parties, people, agencies, labs, products and test items have Chinese names (regions
as 河南省新乡市); foreign parties keep their own-language name (the Japanese one with its Latin form). Ids are Latin
and stable, as the README's answers name them.

Deterministic: the only randomness is one seeded random.Random, drawn in the order the records are built (the
enterprises' USCCs, then the distributors' sales), so the order of the chapters below is part of the data.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from typing import NamedTuple

from seed.builders import (
    Record,
    RecordSet,
    agency,
    batch,
    blacklist,
    enterprise,
    gtin13,
    lab,
    lab_report,
    link,
    monitoring_plan,
    person,
    plan_target,
    product,
    risk_signal,
    shipment,
    uscc,
)

SEED = 20260301

Item = tuple[str, float, float, str]  # test item: name, value, limit, unit; it passes when value <= limit


def day(iso: str, plus: int = 0) -> str:
    """The ISO date `iso` shifted by `plus` days."""
    return (date.fromisoformat(iso) + timedelta(days=plus)).isoformat()


def declaration(customs: str, when: str, imports: bool, serial: int) -> str:
    """18-digit customs declaration number: customs code, year, 1 import / 0 export, serial."""
    return f"{customs}{when[:4]}{1 if imports else 0}{serial:09d}"


class Demo:
    """The scenario's conventions on top of a RecordSet: shipments numbered per day (SHP-20260203-001), test
    reports per lab (TR-QD-CIQ-2026-0001), a report's result from its items, USCCs from the scenario's seed."""

    def __init__(self) -> None:
        self.records = RecordSet()
        self.rng = random.Random(SEED)

    def enterprise(
        self,
        id: str,
        name: str,
        roles: list[str],
        country: str,
        region: str | None = None,
        division: str | None = None,
        grade: str | None = None,
    ) -> str:
        """`division`: the administrative division code of a Chinese enterprise, which gets a USCC there."""
        code = uscc(self.rng, division) if division else None
        return self.records.add(
            enterprise(id, name, roles=list(roles), country=country, region=region, uscc=code, creditGrade=grade)
        )

    def batch(
        self,
        id: str,
        prod: str,
        producer: str,
        quantity: float,
        unit: str,
        produced: str,
        origin: str | None = None,
        inputs: Mapping[str, float] | None = None,
    ) -> str:
        return self.records.add(
            batch(
                id,
                (inputs or {}).items(),
                product=prod,
                producer=producer,
                quantity=quantity,
                unit=unit,
                producedAt=produced,
                originCountry=origin,
            )
        )

    def lot(self, id: str) -> Record:
        return self.records.get("batch", id)

    def ship(
        self,
        lot: str,
        sender: str,
        to: str,
        quantity: float,
        when: str,
        direction: str | None = None,
        port: str | None = None,
        decl: str | None = None,
    ) -> str:
        sid = f"SHP-{when.replace('-', '')}-{self.records.serial('SHP ' + when):03d}"
        return self.records.add(
            shipment(
                sid, lot, to, quantity, from_=sender, shipped_at=when, direction=direction, port=port, declaration=decl
            )
        )

    def report(self, lab_id: str, lot: str, when: str, items: list[Item]) -> str:
        short = lab_id.split("-", 1)[1]
        its = [{"name": n, "value": v, "limit": lim, "unit": u, "pass": v <= lim} for n, v, lim, u in items]
        result = "PASS" if all(i["pass"] for i in its) else "FAIL"
        rid = f"TR-{short}-2026-{self.records.serial('TR ' + short):04d}"
        return self.records.add(lab_report(rid, lot, result, lab=lab_id, tested_at=when, items=its))


def build() -> RecordSet:
    """The demo data set, in the order it is written."""
    demo = Demo()
    _agencies_and_labs(demo)
    _enterprises(demo)
    _people_and_links(demo)
    _products(demo)
    _infant_formula(demo)
    _toys(demo)
    _auto_parts(demo)
    _blacklist(demo)
    _monitoring(demo)
    _channels_and_foreign_measures(demo)
    return demo.records


# ================================================================= agencies and labs

AGENCIES = (  # id, name, kind, jurisdiction
    ("AG-XX-CUSTOMS", "新乡海关", "CUSTOMS", "河南省新乡市"),
    ("AG-XX-SAMR", "新乡市市场监督管理局", "MARKET_REGULATION", "河南省新乡市"),
    ("AG-XX-HEALTH", "新乡市卫生健康委员会", "HEALTH", "河南省新乡市"),
    ("AG-QD-CUSTOMS", "青岛海关（黄岛口岸）", "CUSTOMS", "山东省青岛市"),
    ("AG-NB-CUSTOMS", "宁波海关（北仑口岸）", "CUSTOMS", "浙江省宁波市"),
)
LABS = (  # id, name, accreditation, recognized, status, since
    ("LAB-QD-CIQ", "青岛海关技术中心食品检测实验室", "CNAS L0435", True, None, None),
    ("LAB-HN-FOOD", "河南省食品检验研究院", "CNAS L2781", True, None, None),
    ("LAB-NB-TOY", "宁波海关技术中心玩具及儿童用品检测实验室", "CNAS L0512", True, None, None),
    ("LAB-SH-AUTO", "上海机动车零部件检测中心", "CNAS L1633", True, None, None),
    ("LAB-MY-QC", "河南牧阳婴幼儿营养品有限公司品控实验室", None, False, None, None),
    # Kuaijian was already suspended when it released LOT-IF1-2026-0305 (its report is flagged); Huace lost its
    # qualification after it had passed the ride-on toy.
    ("LAB-XX-KUAIJIAN", "新乡快检检测服务有限公司", "CMA 161612340567", True, "SUSPENDED", "2026-03-02"),
    ("LAB-ZZ-HUACE", "郑州华策检测有限公司", "CMA 161600987213", False, "REVOKED", "2026-04-20"),
)


def _agencies_and_labs(demo: Demo) -> None:
    for id, name, kind, jurisdiction in AGENCIES:
        demo.records.add(agency(id, name, kind, jurisdiction=jurisdiction))
    for id, name, accreditation, recognized, status, since in LABS:
        demo.records.add(
            lab(id, name, accreditation=accreditation, recognized=recognized, status=status, statusSince=since)
        )


# ================================================================= enterprises


class Firm(NamedTuple):
    id: str
    name: str
    roles: list[str]
    country: str
    region: str | None = None
    division: str | None = None  # administrative division code: a Chinese enterprise gets a USCC issued there
    grade: str | None = None  # declared credit grade


MAKER, MAKER_EXPORTER = ["MANUFACTURER"], ["MANUFACTURER", "EXPORTER"]
XX = "河南省新乡市"
ENTERPRISES = (
    # --- milk powder and infant formula
    Firm("ENT-NZ-DAIRY-01", "Waikato Valley Dairy Co-operative Ltd", MAKER_EXPORTER, "NZ", "Waikato"),
    Firm("ENT-NL-DAIRY-01", "Friese Weide Zuivel B.V.", MAKER_EXPORTER, "NL", "Friesland"),
    Firm("ENT-FR-DAIRY-01", "Laiterie Coopérative de Normandie SAS", MAKER_EXPORTER, "FR", "Normandie"),
    Firm("ENT-US-WHEY-01", "Great Lakes Whey Ingredients Inc.", MAKER_EXPORTER, "US", "Wisconsin"),
    Firm("ENT-CN-PREMIX-01", "山东金康营养强化剂有限公司", MAKER, "CN", "山东省潍坊市", "370700"),
    Firm("ENT-CN-IMPORTER-01", "青岛海悦国际贸易有限公司", ["IMPORTER"], "CN", "山东省青岛市", "370211", "CERTIFIED"),
    Firm("ENT-CN-HOLDING-01", "河南牧阳控股集团有限公司", [], "CN", XX, "410702"),
    Firm("ENT-CN-IFM-01", "河南牧阳婴幼儿营养品有限公司", MAKER, "CN", XX, "410711", "ADVANCED_CERTIFIED"),
    Firm("ENT-CN-BAKERY-01", "新乡麦香食品有限公司", MAKER, "CN", XX, "410721"),
    Firm("ENT-CN-DIST-01", "新乡华信母婴用品商贸有限公司", ["DISTRIBUTOR"], "CN", XX, "410702"),
    Firm("ENT-CN-DIST-02", "郑州悦宝食品经销有限公司", ["DISTRIBUTOR"], "CN", "河南省郑州市", "410105"),
    Firm("ENT-CN-DIST-03", "河南安信冷链物流贸易有限公司", ["DISTRIBUTOR", "LOGISTICS"], "CN", XX, "410703"),
    Firm("ENT-CN-RETAIL-01", "新乡贝贝母婴用品店（平原路店）", ["RETAILER"], "CN", XX, "410702"),
    Firm("ENT-CN-RETAIL-02", "新乡东方连锁超市有限公司", ["RETAILER"], "CN", XX, "410703"),
    Firm("ENT-CN-RETAIL-03", "卫辉市快乐宝贝母婴店", ["RETAILER"], "CN", "河南省新乡市卫辉市", "410781"),
    Firm("ENT-CN-RETAIL-04", "郑州金水宝贝护理用品店", ["RETAILER"], "CN", "河南省郑州市", "410105"),
    Firm("ENT-CN-RETAIL-05", "辉县市鑫源超市有限公司", ["RETAILER"], "CN", "河南省新乡市辉县市", "410782"),
    Firm("ENT-CN-ECOM-01", "河南豫通跨境电子商务平台有限公司", ["ECOMMERCE_PLATFORM"], "CN", "河南省郑州市", "410100"),
    Firm("ENT-CN-CBS-01", "新乡阳光跨境贸易有限公司", ["CROSS_BORDER_SELLER"], "CN", XX, "410702"),
    # --- toys
    Firm("ENT-CN-RESIN-01", "宁波镇海石化树脂有限公司", MAKER, "CN", "浙江省宁波市", "330211"),
    Firm("ENT-CN-PAINT-01", "新乡彩虹涂料有限公司", MAKER, "CN", "河南省新乡市获嘉县", "410724"),
    Firm("ENT-CN-TOYPARTS-01", "新乡佳乐塑料配件有限公司", MAKER, "CN", XX, "410721"),
    Firm("ENT-CN-TOY-01", "河南乐乐玩具有限公司", MAKER_EXPORTER, "CN", XX, "410711", "CERTIFIED"),
    Firm("ENT-DE-TOYBUY-01", "Spielwaren Rhein Import GmbH", ["IMPORTER", "DISTRIBUTOR"], "DE", "Nordrhein-Westfalen"),
    Firm("ENT-GB-TOYBUY-01", "Brightwater Toys Ltd", ["IMPORTER", "RETAILER"], "GB", "Manchester"),
    # --- auto parts
    Firm("ENT-DE-BRAKE-01", "Rheinland Reibbelag GmbH", MAKER_EXPORTER, "DE", "Nordrhein-Westfalen"),
    Firm("ENT-JP-BRAKE-01", "中部摩擦材料株式会社 (Chubu Friction Materials Co., Ltd.)", MAKER_EXPORTER, "JP", "Aichi"),
    Firm(
        "ENT-CN-BRAKE-01",
        "新乡恒通制动系统有限公司",
        ["MANUFACTURER", "IMPORTER"],
        "CN",
        XX,
        "410702",
        "ADVANCED_CERTIFIED",
    ),
    Firm("ENT-CN-CASTING-01", "开封中原精密铸造有限公司", MAKER, "CN", "河南省开封市", "410200"),
    Firm("ENT-CN-CARMAKER-01", "河南中州汽车有限公司", MAKER, "CN", "河南省郑州市", "410100"),
    Firm("ENT-CN-CARMAKER-02", "湖北江汉商用车有限公司", MAKER, "CN", "湖北省武汉市", "420100"),
    Firm("ENT-CN-CARDEALER-01", "新乡中州汽车销售服务有限公司", ["RETAILER"], "CN", XX, "410702"),
)


def _enterprises(demo: Demo) -> None:
    for firm in ENTERPRISES:
        demo.enterprise(*firm)


# ================================================================= people and links

PEOPLE = {
    "P-ZHANG-WEI": "张伟",
    "P-LI-NA": "李娜",
    "P-ZHOU-HUI": "周慧",
    "P-ZHAO-LEI": "赵磊",
    "P-WANG-JIANGUO": "王建国",
    "P-WANG-FANG": "王芳",
    "P-CHEN-JIE": "陈杰",
    "P-XU-MING": "徐明",
    "P-HE-TAO": "何涛",
    "P-GUO-QIANG": "郭强",
    "P-LIU-YANG": "刘洋",
    "P-MA-LI": "马丽",
    "P-ZHAO-MIN": "赵敏",
    "P-SUN-LEI": "孙磊",
    "P-TIAN-YU": "田宇",
    "P-DENG-HAO": "邓浩",
}

SH, LR, OF = "SHAREHOLDER", "LEGAL_REPRESENTATIVE", "OFFICER"
LINKS: tuple[tuple[str, str, str, float | None], ...] = (  # kind, from, to, share
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
)


def _people_and_links(demo: Demo) -> None:
    for id, name in PEOPLE.items():
        demo.records.add(person(id, name))
    for kind, holder, to, share in LINKS:
        demo.records.add(link(kind, holder, to, share))


# ================================================================= products

P_RAW, P_WMP, P_LAC, P_PMX, P_IFB = "PRD-RAW-MILK", "PRD-WMP-26", "PRD-LACTOSE", "PRD-VIT-PREMIX", "PRD-IF-BASE"
P_IF1, P_IF2, P_BIS = gtin13("697520100001"), gtin13("697520100002"), gtin13("697520300001")
P_ABS, P_PNT, P_SHL, P_BRK = "PRD-ABS-RESIN", "PRD-TOY-PAINT", "PRD-RIDEON-SHELL", "PRD-TOY-BRICK"
P_RID, P_BLK = gtin13("697520500001"), gtin13("697520500002")
P_PAD, P_CAL, P_ASM, P_CAR = "PRD-BRAKE-PAD", "PRD-BRAKE-CALIPER", "PRD-BRAKE-ASSY", "PRD-SEDAN-ZZ5"
PRODUCTS: tuple[tuple[str, str, str, str, str | None], ...] = (  # id, name, HS code, category, brand
    (P_RAW, "生牛乳（散装）", "0401200000", "FOOD", None),
    (P_WMP, "全脂乳粉（脂肪26%，25千克袋装）", "0402210000", "FOOD", None),
    (P_LAC, "食品级乳糖（25千克袋装）", "1702110000", "FOOD", None),
    (P_PMX, "婴幼儿配方食品用维生素矿物质预混料", "2936900000", "FOOD", None),
    (P_IFB, "婴儿配方乳粉基粉（散装）", "1901109000", "FOOD", None),
    (P_IF1, "牧阳婴儿配方奶粉（0-6月龄，1段）900克罐装", "1901101000", "FOOD", "牧阳"),
    (P_IF2, "牧阳较大婴儿配方奶粉（6-12月龄，2段）900克罐装", "1901101000", "FOOD", "牧阳"),
    (P_BIS, "麦香牛奶饼干200克", "1905310000", "FOOD", "麦香"),
    (P_ABS, "ABS树脂颗粒（玩具级）", "3903300000", "OTHER", None),
    (P_PNT, "玩具用水性丙烯酸涂料", "3209100000", "OTHER", None),
    (P_SHL, "儿童乘骑车车身外壳（已喷涂）", "9503009000", "CHILDREN_PRODUCT", None),
    (P_BRK, "注塑玩具积木（散件）", "9503009000", "TOY", None),
    (P_RID, "乐乐儿童乘骑玩具车（适用1-3岁）", "9503001000", "CHILDREN_PRODUCT", "乐乐"),
    (P_BLK, "乐乐积木120粒", "9503008900", "TOY", "乐乐"),
    (P_PAD, "乘用车盘式制动器摩擦片", "8708301000", "AUTO_PART", None),
    (P_CAL, "铸铁制动钳壳体", "8708309900", "AUTO_PART", None),
    (P_ASM, "盘式制动器总成（含制动钳及摩擦片）", "8708302900", "AUTO_PART", None),
    (P_CAR, "中州ZZ5 1.5L轿车", "8703234190", "AUTO", "中州"),
)


def _products(demo: Demo) -> None:
    for id, name, hs_code, category, brand in PRODUCTS:
        demo.records.add(product(id, name, hsCode=hs_code, category=category, brand=brand))


# ================================================================= 1. milk powder and infant formula

NZ, NL, FR = "ENT-NZ-DAIRY-01", "ENT-NL-DAIRY-01", "ENT-FR-DAIRY-01"
US_WHEY, PREMIX = "ENT-US-WHEY-01", "ENT-CN-PREMIX-01"
IMP, IFM, BAKERY = "ENT-CN-IMPORTER-01", "ENT-CN-IFM-01", "ENT-CN-BAKERY-01"
DIST1, DIST2, DIST3 = "ENT-CN-DIST-01", "ENT-CN-DIST-02", "ENT-CN-DIST-03"

IMPORTS = (  # lot, exporter, kg, declared at: imports through Qingdao (CNTAO), one declaration each
    ("LOT-LAC-US-2026-0105", US_WHEY, 20000, "2026-01-28"),
    ("LOT-WMP-NZ-2026-0108", NZ, 20000, "2026-02-03"),
    ("LOT-WMP-NZ-2026-0112", NZ, 22000, "2026-02-03"),
    ("LOT-WMP-NZ-2026-0115", NZ, 5000, "2026-02-03"),
    ("LOT-WMP-NL-2026-0110", NL, 18000, "2026-02-10"),
    ("LOT-WMP-FR-2026-0111", FR, 16000, "2026-02-12"),
    ("LOT-LAC-US-2026-0120", US_WHEY, 20000, "2026-02-18"),
)
DAIRY_PORT_CHECK: list[Item] = [
    ("三聚氰胺", 0.05, 1.0, "mg/kg"),
    ("黄曲霉毒素M1", 0.08, 0.5, "ug/kg"),
    ("铅（以Pb计）", 0.02, 0.5, "mg/kg"),
]
IMPORTER_DELIVERIES = (  # lot, consignee, kg, date: to the formula maker, and one lot partly to a biscuit maker
    ("LOT-LAC-US-2026-0105", IFM, 20000, "2026-02-01"),
    ("LOT-WMP-NZ-2026-0108", IFM, 12000, "2026-02-06"),
    ("LOT-WMP-NZ-2026-0112", IFM, 20000, "2026-02-06"),
    ("LOT-WMP-NZ-2026-0112", BAKERY, 2000, "2026-02-07"),
    ("LOT-WMP-NZ-2026-0115", IFM, 5000, "2026-02-06"),
    ("LOT-WMP-NL-2026-0110", IFM, 18000, "2026-02-13"),
    ("LOT-WMP-FR-2026-0111", IFM, 16000, "2026-02-15"),
    ("LOT-WMP-NZ-2026-0108", IFM, 8000, "2026-02-20"),
    ("LOT-LAC-US-2026-0120", IFM, 20000, "2026-02-21"),
)
# tier 2: formula base powder (wet mix and spray drying), kg: lot -> (kg, made, inputs)
BASES: dict[str, tuple[float, str, dict[str, float]]] = {
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
BASE_RELEASE: list[Item] = [
    ("克罗诺杆菌属（阪崎肠杆菌）", 0, 0, "MPN/100g"),
    ("亚硝酸盐（以NaNO2计）", 0.4, 2.0, "mg/kg"),
]
# tier 3: canned formula (900 g cans): base powder dry-blended with lactose and premix. The lactose and premix
# lots also reach the cans through the base (diamonds); LOT-IF2-2026-0308 also takes whole milk powder directly.
CANS: dict[str, tuple[str, float, str, dict[str, float]]] = {  # lot -> (product, cans, made, inputs)
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
FORMULA_OK: list[Item] = [
    ("克罗诺杆菌属（阪崎肠杆菌）", 0, 0, "MPN/100g"),
    ("三聚氰胺", 0.03, 1.0, "mg/kg"),
    ("铅（以Pb计）", 0.01, 0.15, "mg/kg"),
]
# distribution: formula maker -> distributors: lot -> [(distributor, cans, days after production)]
ALLOCATIONS: dict[str, list[tuple[str, int, int]]] = {
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
# the incident: market sampling finds Cronobacter in a Stage 1 lot; the retained sample of the imported
# whole milk powder fails too; an unaffected lot sampled at the same time passes
CRONO_FAIL: list[Item] = [("克罗诺杆菌属（阪崎肠杆菌）", 3, 0, "MPN/100g"), ("三聚氰胺", 0.03, 1.0, "mg/kg")]


def _infant_formula(demo: Demo) -> None:
    # tier 0: raw milk collected by the dairies (kg)
    demo.batch("LOT-RAW-NZ-2026-0105", P_RAW, NZ, 200000, "KGM", "2026-01-05", "NZ")
    demo.batch("LOT-RAW-NZ-2026-0106", P_RAW, NZ, 180000, "KGM", "2026-01-06", "NZ")
    demo.batch("LOT-RAW-NL-2026-0107", P_RAW, NL, 160000, "KGM", "2026-01-07", "NL")
    demo.batch("LOT-RAW-FR-2026-0108", P_RAW, FR, 150000, "KGM", "2026-01-08", "FR")

    # tier 1: whole milk powder (about 8 kg of milk per kg of powder); LOT-WMP-NZ-2026-0112 co-mingles two milk lots
    demo.batch("LOT-WMP-NZ-2026-0108", P_WMP, NZ, 20000, "KGM", "2026-01-08", "NZ", {"LOT-RAW-NZ-2026-0105": 160000})
    demo.batch(
        "LOT-WMP-NZ-2026-0112",
        P_WMP,
        NZ,
        22000,
        "KGM",
        "2026-01-12",
        "NZ",
        {"LOT-RAW-NZ-2026-0105": 40000, "LOT-RAW-NZ-2026-0106": 136000},
    )
    demo.batch("LOT-WMP-NZ-2026-0115", P_WMP, NZ, 5000, "KGM", "2026-01-15", "NZ", {"LOT-RAW-NZ-2026-0106": 40000})
    demo.batch("LOT-WMP-NL-2026-0110", P_WMP, NL, 18000, "KGM", "2026-01-10", "NL", {"LOT-RAW-NL-2026-0107": 144000})
    demo.batch("LOT-WMP-FR-2026-0111", P_WMP, FR, 16000, "KGM", "2026-01-11", "FR", {"LOT-RAW-FR-2026-0108": 128000})
    demo.batch("LOT-LAC-US-2026-0105", P_LAC, US_WHEY, 20000, "KGM", "2026-01-05", "US")
    demo.batch("LOT-LAC-US-2026-0120", P_LAC, US_WHEY, 20000, "KGM", "2026-01-20", "US")
    demo.batch("LOT-PMX-2026-0115", P_PMX, PREMIX, 2000, "KGM", "2026-01-15", "CN")
    demo.batch("LOT-PMX-2026-0201", P_PMX, PREMIX, 2000, "KGM", "2026-02-01", "CN")

    for n, (lot, exporter, kg, when) in enumerate(IMPORTS, 1):
        demo.ship(lot, exporter, IMP, kg, when, "IMPORT", "CNTAO", declaration("4258", when, True, 310200 + n))
        demo.report("LAB-QD-CIQ", lot, day(when, 2), DAIRY_PORT_CHECK)  # port inspection of every imported lot

    for lot, to, kg, when in IMPORTER_DELIVERIES:
        demo.ship(lot, IMP, to, kg, when)
    demo.ship("LOT-PMX-2026-0115", PREMIX, IFM, 2000, "2026-01-20")
    demo.ship("LOT-PMX-2026-0201", PREMIX, IFM, 2000, "2026-02-05")
    for lot in ("LOT-PMX-2026-0115", "LOT-PMX-2026-0201"):
        demo.report("LAB-MY-QC", lot, day(demo.lot(lot)["producedAt"], 6), [("铅（以Pb计）", 0.1, 0.5, "mg/kg")])

    for lot, (base_kg, when, inputs) in BASES.items():
        demo.batch(lot, P_IFB, IFM, base_kg, "KGM", when, "CN", inputs)
        demo.report("LAB-MY-QC", lot, day(when, 1), BASE_RELEASE)

    for lot, (prod, cans, when, inputs) in CANS.items():
        demo.batch(lot, prod, IFM, cans, "EA", when, "CN", inputs)
        # release test; the lot that later fails was released on a report of a lab that is now suspended
        release_lab = "LAB-XX-KUAIJIAN" if lot == "LOT-IF1-2026-0305" else "LAB-HN-FOOD"
        demo.report(release_lab, lot, day(when, 2), FORMULA_OK)

    rng = demo.rng
    for i, (lot, allocations) in enumerate(ALLOCATIONS.items()):
        made = demo.lot(lot)["producedAt"]
        for dist, cans, after in allocations:
            received = day(made, after)
            demo.ship(lot, IFM, dist, cans, received)
            # the distributor sells on 75-90 % of what it got, in 12-can cartons; the first customer (rotating)
            # re-orders two weeks later, so it holds the lot from two shipments
            customers = CUSTOMERS[dist][i % len(CUSTOMERS[dist]) :] + CUSTOMERS[dist][: i % len(CUSTOMERS[dist])]
            weights = [rng.uniform(1, 3) for _ in customers]
            to_sell = cans * rng.uniform(0.75, 0.9)
            for k, (customer, w) in enumerate(zip(customers, weights, strict=True)):
                qty = int(to_sell * w / sum(weights)) // 12 * 12
                first = day(received, rng.randint(2, 8))
                if k == 0:
                    demo.ship(lot, dist, customer, qty // 24 * 12, first)
                    demo.ship(lot, dist, customer, qty - qty // 24 * 12, day(first, 14))
                else:
                    demo.ship(lot, dist, customer, qty, first)

    # the biscuit maker uses part of the suspect milk powder lot
    demo.batch("LOT-BISCUIT-2026-0215", P_BIS, BAKERY, 30000, "EA", "2026-02-15", "CN", {"LOT-WMP-NZ-2026-0112": 1500})
    demo.ship("LOT-BISCUIT-2026-0215", BAKERY, "ENT-CN-RETAIL-02", 12000, "2026-02-18")
    demo.ship("LOT-BISCUIT-2026-0215", BAKERY, "ENT-CN-RETAIL-05", 8000, "2026-02-19")

    demo.report("LAB-HN-FOOD", "LOT-IF1-2026-0305", "2026-04-08", CRONO_FAIL)
    demo.report("LAB-HN-FOOD", "LOT-IF1-2026-0312", "2026-04-08", FORMULA_OK)
    demo.report("LAB-HN-FOOD", "LOT-IFB-2026-0214-B", "2026-04-10", [("克罗诺杆菌属（阪崎肠杆菌）", 2, 0, "MPN/100g")])
    demo.report("LAB-HN-FOOD", "LOT-WMP-NZ-2026-0112", "2026-04-11", [("克罗诺杆菌属（阪崎肠杆菌）", 4, 0, "MPN/100g")])


# ================================================================= 2. toys

RESIN, PAINT, PARTS, TOY = "ENT-CN-RESIN-01", "ENT-CN-PAINT-01", "ENT-CN-TOYPARTS-01", "ENT-CN-TOY-01"
DE_BUY, GB_BUY = "ENT-DE-TOYBUY-01", "ENT-GB-TOYBUY-01"
RETAIL2, RETAIL5, ECOM = "ENT-CN-RETAIL-02", "ENT-CN-RETAIL-05", "ENT-CN-ECOM-01"
TOY_SALES = (  # lot, consignee, pieces, date (exports through Ningbo, CNNGB)
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
)
TOY_OK: list[Item] = [
    ("邻苯二甲酸二（2-乙基己基）酯（DEHP）", 0.01, 0.1, "% (w/w)"),
    ("邻苯二甲酸二丁酯（DBP）", 0.005, 0.1, "% (w/w)"),
    ("可迁移元素铅（Pb）", 4.0, 90.0, "mg/kg"),
]
RIDEON_FAIL: list[Item] = [
    ("邻苯二甲酸二（2-乙基己基）酯（DEHP）", 0.86, 0.1, "% (w/w)"),
    ("邻苯二甲酸二丁酯（DBP）", 0.02, 0.1, "% (w/w)"),
    ("可迁移元素铅（Pb）", 6.0, 90.0, "mg/kg"),
]


def _toys(demo: Demo) -> None:
    demo.batch("LOT-ABS-2026-0110", P_ABS, RESIN, 30000, "KGM", "2026-01-10", "CN")
    demo.batch("LOT-ABS-2026-0205", P_ABS, RESIN, 30000, "KGM", "2026-02-05", "CN")
    demo.batch("LOT-PAINT-2026-0120", P_PNT, PAINT, 3000, "KGM", "2026-01-20", "CN")
    demo.batch("LOT-PAINT-2026-0215", P_PNT, PAINT, 3000, "KGM", "2026-02-15", "CN")
    demo.ship("LOT-ABS-2026-0110", RESIN, PARTS, 12000, "2026-01-15")
    demo.ship("LOT-ABS-2026-0205", RESIN, PARTS, 12000, "2026-02-09")
    demo.ship("LOT-PAINT-2026-0120", PAINT, PARTS, 800, "2026-01-24")
    demo.ship("LOT-PAINT-2026-0215", PAINT, PARTS, 800, "2026-02-18")
    demo.ship("LOT-PAINT-2026-0215", PAINT, TOY, 200, "2026-02-20")  # touch-up paint for the final assembly

    shell_0201 = {"LOT-ABS-2026-0110": 8000, "LOT-PAINT-2026-0120": 600}
    demo.batch("LOT-SHELL-2026-0201", P_SHL, PARTS, 10000, "EA", "2026-02-01", "CN", shell_0201)
    demo.batch("LOT-BRICK-2026-0203", P_BRK, PARTS, 1000000, "EA", "2026-02-03", "CN", {"LOT-ABS-2026-0110": 2200})
    shell_0225 = {"LOT-ABS-2026-0205": 8000, "LOT-PAINT-2026-0215": 600}
    demo.batch("LOT-SHELL-2026-0225", P_SHL, PARTS, 10000, "EA", "2026-02-25", "CN", shell_0225)
    demo.batch("LOT-BRICK-2026-0228", P_BRK, PARTS, 1200000, "EA", "2026-02-28", "CN", {"LOT-ABS-2026-0205": 2600})
    demo.ship("LOT-SHELL-2026-0201", PARTS, TOY, 10000, "2026-02-05")
    demo.ship("LOT-BRICK-2026-0203", PARTS, TOY, 1000000, "2026-02-07")
    demo.ship("LOT-SHELL-2026-0225", PARTS, TOY, 10000, "2026-03-02")
    demo.ship("LOT-BRICK-2026-0228", PARTS, TOY, 1200000, "2026-03-03")

    demo.batch("LOT-RIDEON-2026-0210", P_RID, TOY, 9500, "EA", "2026-02-10", "CN", {"LOT-SHELL-2026-0201": 9500})
    demo.batch("LOT-BLOCKS-2026-0212", P_BLK, TOY, 8000, "EA", "2026-02-12", "CN", {"LOT-BRICK-2026-0203": 960000})
    rideon_0305 = {"LOT-SHELL-2026-0225": 9800, "LOT-PAINT-2026-0215": 30}
    demo.batch("LOT-RIDEON-2026-0305", P_RID, TOY, 9800, "EA", "2026-03-05", "CN", rideon_0305)
    demo.batch("LOT-BLOCKS-2026-0306", P_BLK, TOY, 9000, "EA", "2026-03-06", "CN", {"LOT-BRICK-2026-0228": 1080000})

    for n, (lot, to, pieces, when) in enumerate(TOY_SALES, 1):
        if to in (DE_BUY, GB_BUY):
            demo.ship(lot, TOY, to, pieces, when, "EXPORT", "CNNGB", declaration("3104", when, False, 520400 + n))
        else:
            demo.ship(lot, TOY, to, pieces, when, "DOMESTIC")

    demo.report("LAB-NB-TOY", "LOT-RIDEON-2026-0210", "2026-02-16", TOY_OK)
    demo.report("LAB-NB-TOY", "LOT-BLOCKS-2026-0212", "2026-02-16", TOY_OK)
    demo.report("LAB-ZZ-HUACE", "LOT-RIDEON-2026-0305", "2026-03-08", TOY_OK)  # lab later revoked
    demo.report("LAB-NB-TOY", "LOT-BLOCKS-2026-0306", "2026-03-09", TOY_OK)
    demo.report("LAB-NB-TOY", "LOT-RIDEON-2026-0305", "2026-03-20", RIDEON_FAIL)  # pre-export: the export stops
    demo.report(
        "LAB-NB-TOY",
        "LOT-PAINT-2026-0215",
        "2026-03-24",
        [("邻苯二甲酸二（2-乙基己基）酯（DEHP）", 2.4, 0.1, "% (w/w)")],
    )
    demo.report(
        "LAB-NB-TOY",
        "LOT-PAINT-2026-0120",
        "2026-03-25",
        [("邻苯二甲酸二（2-乙基己基）酯（DEHP）", 0.02, 0.1, "% (w/w)")],
    )


# ================================================================= 3. auto parts

DE_PAD, JP_PAD, BRAKE, CAST = "ENT-DE-BRAKE-01", "ENT-JP-BRAKE-01", "ENT-CN-BRAKE-01", "ENT-CN-CASTING-01"
CAR1, CAR2, DEALER = "ENT-CN-CARMAKER-01", "ENT-CN-CARMAKER-02", "ENT-CN-CARDEALER-01"
PAD_IMPORTS = (  # lot, exporter, declared at (through Shanghai, CNSHA)
    ("LOT-PAD-DE-2026-0115", DE_PAD, "2026-02-10"),
    ("LOT-PAD-JP-2026-0120", JP_PAD, "2026-02-14"),
    ("LOT-PAD-DE-2026-0205", DE_PAD, "2026-03-02"),
)
PAD_CHECK: list[Item] = [("石棉含量", 0, 0, "% (w/w)"), ("铜含量", 2.1, 5.0, "% (w/w)")]
ASSEMBLIES: dict[str, tuple[float, str, dict[str, float]]] = {  # lot -> (pieces, made, inputs)
    "LOT-BRKASSY-2026-0220": (20000, "2026-02-20", {"LOT-PAD-DE-2026-0115": 20000, "LOT-CALIPER-2026-0201": 20000}),
    "LOT-BRKASSY-2026-0225": (10000, "2026-02-25", {"LOT-PAD-JP-2026-0120": 10000, "LOT-CALIPER-2026-0201": 10000}),
    "LOT-BRKASSY-2026-0310": (
        20000,
        "2026-03-10",
        {"LOT-PAD-DE-2026-0115": 10000, "LOT-PAD-DE-2026-0205": 10000, "LOT-CALIPER-2026-0301": 20000},
    ),
    "LOT-BRKASSY-2026-0318": (10000, "2026-03-18", {"LOT-PAD-JP-2026-0120": 10000, "LOT-CALIPER-2026-0301": 10000}),
}
ASSEMBLY_CHECK: list[Item] = [("石棉含量", 0, 0, "% (w/w)"), ("镉含量", 0.0005, 0.01, "% (w/w)")]
ASSEMBLY_SALES = (  # lot, car maker, pieces, date
    ("LOT-BRKASSY-2026-0220", CAR1, 8000, "2026-02-24"),
    ("LOT-BRKASSY-2026-0220", CAR2, 4000, "2026-02-26"),
    ("LOT-BRKASSY-2026-0220", CAR1, 6000, "2026-03-10"),
    ("LOT-BRKASSY-2026-0225", CAR2, 9000, "2026-03-01"),
    ("LOT-BRKASSY-2026-0310", CAR1, 10000, "2026-03-14"),
    ("LOT-BRKASSY-2026-0310", CAR2, 8000, "2026-03-16"),
    ("LOT-BRKASSY-2026-0318", CAR2, 6000, "2026-03-22"),
    ("LOT-BRKASSY-2026-0318", CAR1, 3000, "2026-03-24"),
)


def _auto_parts(demo: Demo) -> None:
    demo.batch("LOT-PAD-DE-2026-0115", P_PAD, DE_PAD, 40000, "EA", "2026-01-15", "DE")
    demo.batch("LOT-PAD-JP-2026-0120", P_PAD, JP_PAD, 30000, "EA", "2026-01-20", "JP")
    demo.batch("LOT-PAD-DE-2026-0205", P_PAD, DE_PAD, 40000, "EA", "2026-02-05", "DE")
    for n, (lot, exporter, when) in enumerate(PAD_IMPORTS, 1):
        quantity = demo.lot(lot)["quantity"]
        demo.ship(lot, exporter, BRAKE, quantity, when, "IMPORT", "CNSHA", declaration("2248", when, True, 770100 + n))
        demo.report("LAB-SH-AUTO", lot, day(when, 1), PAD_CHECK)
    demo.batch("LOT-CALIPER-2026-0201", P_CAL, CAST, 30000, "EA", "2026-02-01", "CN")
    demo.batch("LOT-CALIPER-2026-0301", P_CAL, CAST, 30000, "EA", "2026-03-01", "CN")
    demo.ship("LOT-CALIPER-2026-0201", CAST, BRAKE, 30000, "2026-02-06")
    demo.ship("LOT-CALIPER-2026-0301", CAST, BRAKE, 30000, "2026-03-04")

    for lot, (pieces, when, inputs) in ASSEMBLIES.items():
        demo.batch(lot, P_ASM, BRAKE, pieces, "EA", when, "CN", inputs)
        demo.report("LAB-SH-AUTO", lot, day(when, 2), ASSEMBLY_CHECK)
    for lot, to, pieces, when in ASSEMBLY_SALES:
        demo.ship(lot, BRAKE, to, pieces, when)

    # four brake assemblies per car
    demo.batch("LOT-CAR-ZZ5-2026-0305", P_CAR, CAR1, 2000, "EA", "2026-03-05", "CN", {"LOT-BRKASSY-2026-0220": 8000})
    cars_0325 = {"LOT-BRKASSY-2026-0220": 4000, "LOT-BRKASSY-2026-0310": 6000}
    demo.batch("LOT-CAR-ZZ5-2026-0325", P_CAR, CAR1, 2500, "EA", "2026-03-25", "CN", cars_0325)
    demo.ship("LOT-CAR-ZZ5-2026-0305", CAR1, DEALER, 300, "2026-03-12")
    demo.ship("LOT-CAR-ZZ5-2026-0305", CAR1, DEALER, 200, "2026-03-28")
    demo.ship("LOT-CAR-ZZ5-2026-0325", CAR1, DEALER, 400, "2026-04-02")


# ================================================================= blacklist


def _blacklist(demo: Demo) -> None:
    demo.records.add(
        blacklist(
            "BL-XX-2026-0001",
            DIST1,
            serious=True,
            reason="篡改过期婴儿配方奶粉的生产日期后重新贴标，并销售给零售商",
            listedAt="2026-04-15",
            agency="AG-XX-SAMR",
        )
    )
    demo.records.add(
        blacklist(
            "BL-XX-2026-0002",
            PAINT,
            reason="以虚假的符合性声明供应邻苯二甲酸酯（DEHP）严重超标的玩具涂料",
            listedAt="2026-04-02",
            agency="AG-XX-CUSTOMS",
            expiresAt="2029-04-01",
        )
    )


# ================================================================= monitoring (issue 17): a plan and its samples

PLAN_ID = "MP-2026-H1-01"
# The tests that were the plan's samples: (lab, lot, testedAt) -> (target, stage). The port inspections of the
# imported milk powder, the market sampling that found Cronobacter, the retained sample of the suspect milk powder
# lot, and the port office's toy inspections before export.
PLAN_SAMPLES = {
    **{("LAB-QD-CIQ", lot, day(when, 2)): ("T-DAIRY-IMPORT", "PORT") for lot, _, _, when in IMPORTS if "WMP" in lot},
    ("LAB-HN-FOOD", "LOT-WMP-NZ-2026-0112", "2026-04-11"): ("T-DAIRY-IMPORT", "MARKET"),
    ("LAB-HN-FOOD", "LOT-IF1-2026-0305", "2026-04-08"): ("T-INFANT-FORMULA", "MARKET"),
    ("LAB-HN-FOOD", "LOT-IF1-2026-0312", "2026-04-08"): ("T-INFANT-FORMULA", "MARKET"),
    ("LAB-NB-TOY", "LOT-RIDEON-2026-0210", "2026-02-16"): ("T-TOYS", "PORT"),
    ("LAB-NB-TOY", "LOT-BLOCKS-2026-0212", "2026-02-16"): ("T-TOYS", "PORT"),
    ("LAB-NB-TOY", "LOT-BLOCKS-2026-0306", "2026-03-09"): ("T-TOYS", "PORT"),
    ("LAB-NB-TOY", "LOT-RIDEON-2026-0305", "2026-03-20"): ("T-TOYS", "PORT"),
}


def _monitoring(demo: Demo) -> None:
    """A half-year monitoring plan for imported milk powder, infant formula and children's toys, and the tests
    above as its samples (each test report names the plan, its target and the stage)."""
    demo.records.add(
        monitoring_plan(
            PLAN_ID,
            [
                plan_target(
                    "T-DAIRY-IMPORT",
                    {"PORT": 6, "MARKET": 2},
                    ("CHEMICAL", "BIOLOGICAL"),
                    countries=["NZ", "NL", "FR"],
                    hsPrefixes=["0402"],
                ),
                plan_target(
                    "T-INFANT-FORMULA",
                    {"MARKET": 6, "CROSS_BORDER_ECOMMERCE": 2},
                    ("BIOLOGICAL", "HEALTH"),
                    hsPrefixes=["1901"],
                ),
                plan_target(
                    "T-TOYS",
                    {"PORT": 4, "MARKET": 2},
                    ("PHYSICAL", "CHEMICAL"),
                    categories=["TOY", "CHILDREN_PRODUCT"],
                ),
            ],
            stages=("PORT", "MARKET", "CROSS_BORDER_ECOMMERCE"),
            agencies=("AG-QD-CUSTOMS", "AG-NB-CUSTOMS", "AG-XX-SAMR"),
            period=("2026-01-01", "2026-06-30"),
            name="2026年上半年进口乳粉、婴幼儿配方食品及儿童玩具质量安全监测计划",
            description="口岸抽检进口乳粉与出口玩具，市场抽检婴幼儿配方食品；跨境电商渠道配额待执行。",
        )
    )
    for record in demo.records:
        if record["type"] != "test_report":
            continue
        sample = PLAN_SAMPLES.get((record["lab"], record["batch"], record["testedAt"]))
        if sample is not None:
            record.update(plan=PLAN_ID, planTarget=sample[0], stage=sample[1])


# ================================================================= signal channels and a foreign measure (issue 17)

# Signals by the channels of the plan's task 2 (graph/risk/channels.py). The press, a hospital and a consumer report
# the same ride-on toy trouble in one week: one incident (the three are linked, counted once). A traffic accident
# the traffic police share is tied to a car lot; an e-commerce counterfeit of the formula; a research institute's
# study of toy paint; the toy maker's own mandatory report.
CHANNEL_SIGNALS: tuple[tuple[str, str, str, int, float, str, dict[str, str], dict[str, object], str], ...] = (
    # id, source, hazard, severity, probability, receivedAt, subject, channel, description
    (
        "SIG-PRESS-2026-0001",
        "PUBLIC_OPINION",
        "CHEMICAL",
        2,
        0.05,
        "2026-04-03",
        {"batch": "LOT-RIDEON-2026-0305"},
        {"kind": "PRESS", "outlet": "大河报", "publishedAt": "2026-04-03", "url": "https://example.cn/news/0403"},
        "报道：儿童乘骑玩具车漆面有刺鼻气味，家长担心增塑剂超标",
    ),
    (
        "SIG-INJ-2026-0001",
        "INJURY_REPORT",
        "CHEMICAL",
        2,
        0.05,
        "2026-04-05",
        {"batch": "LOT-RIDEON-2026-0305"},
        {
            "kind": "INJURY_REPORT",
            "reportingBody": "新乡市中心医院",
            "occurredAt": "2026-04-02",
            "injuredCount": 1,
            "injuryType": "接触性皮炎",
        },
        "2岁儿童接触乘骑玩具车后出现皮疹",
    ),
    (
        "SIG-CC-2026-0001",
        "CONSUMER_COMPLAINT",
        "CHEMICAL",
        2,
        0.05,
        "2026-04-06",
        {"batch": "LOT-RIDEON-2026-0305"},
        {"kind": "CONSUMER_COMPLAINT", "purchasePlace": "新乡宝贝屋母婴店"},
        "买的玩具车味道很大，孩子玩后手上起疹子",
    ),
    (
        "SIG-MAND-2026-0001",
        "ENTERPRISE_REPORT",
        "CHEMICAL",
        3,
        0.1,
        "2026-04-09",
        {"batch": "LOT-RIDEON-2026-0305"},
        {
            "kind": "MANDATORY_REPORT",
            "reporterRole": "PRODUCER",
            "reporter": "ENT-CN-TOY-01",
            "findings": "自查发现补漆用涂料批次 LOT-PAINT-2026-0215 邻苯二甲酸酯超标",
        },
        "生产企业主动报告：补漆涂料不合格",
    ),
    (
        "SIG-RES-2026-0001",
        "RESEARCH_REPORT",
        "CHEMICAL",
        2,
        0.01,
        "2026-04-12",
        {"product": P_PNT},
        {
            "kind": "VOLUNTARY_REPORT",
            "institution": "河南师范大学化学化工学院",
            "institutionKind": "UNIVERSITY",
            "reference": "豫师化研〔2026〕12号",
        },
        "市售玩具用水性涂料中邻苯二甲酸酯含量抽样研究",
    ),
    (
        "SIG-ACC-2026-0001",
        "INJURY_REPORT",
        "PHYSICAL",
        4,
        0.001,
        "2026-04-18",
        {"batch": "LOT-CAR-ZZ5-2026-0305"},
        {
            "kind": "SHARED_INCIDENT",
            "incidentKind": "TRAFFIC_ACCIDENT",
            "department": "新乡市公安局交通警察支队",
            "occurredAt": "2026-04-17",
            "location": "新乡市平原路",
            "casualties": 1,
        },
        "追尾事故，驾驶人称制动距离异常",
    ),
    (
        "SIG-FAKE-2026-0001",
        "COUNTERFEIT_REPORT",
        "HEALTH",
        3,
        0.1,
        "2026-04-20",
        {"product": P_IF1},
        {
            "kind": "COUNTERFEIT_REPORT",
            "venue": "E_COMMERCE",
            "seller": "牧阳母婴旗舰店（仿冒）",
            "platform": "某电商平台",
            "claimedBrand": "牧阳",
        },
        "电商平台发现仿冒牧阳1段奶粉",
    ),
    (
        "SIG-FBD-2026-0001",
        "FOODBORNE_ILLNESS",
        "BIOLOGICAL",
        4,
        0.01,
        "2026-04-10",
        {"batch": "LOT-IF1-2026-0305"},
        {
            "kind": "FOODBORNE_ILLNESS",
            "reportingBody": "新乡市疾病预防控制中心",
            "onsetAt": "2026-04-07",
            "caseCount": 2,
            "pathogen": "阪崎肠杆菌",
        },
        "两例婴儿感染阪崎肠杆菌，均食用同批次配方奶粉",
    ),
)


def _channels_and_foreign_measures(demo: Demo) -> None:
    for sid, source, hazard, severity, probability, received, subject, channel, text in CHANNEL_SIGNALS:
        demo.records.add(
            risk_signal(
                sid, subject, severity, probability, source, hazard, received, channel=channel, description=text
            )
        )
    # A fictional EU-member notification on phthalates in toys: it reaches the toy maker's exports to DE.
    demo.records.add(
        {
            "type": "foreign_measure",
            "id": "FTM-DE-2026-0001",
            "country": "DE",
            "hsCodes": ["9503"],
            "kind": "TBT",
            "title": "Phthalates in toys and childcare articles: lower limits and third-party testing",
            "requirement": "DEHP, DBP, BBP and DIBP together at most 0.1 % by weight of any plasticised material; "
            "each lot tested by an accredited third-party laboratory before it is placed on the market.",
            "notifiedAt": "2026-04-10",
            "effectiveFrom": "2026-10-01",
            "notification": "G/TBT/N/DEU/2026-01",
        }
    )
