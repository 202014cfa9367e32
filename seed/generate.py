"""Synthetic national-scale data (contract/RECORDS.md NDJSON), deterministic by seed: `tracegraph generate`.

The structure is what regulators' graphs look like, not uniform noise:
- bills of materials up to 8 tiers: raw lots (tier 0) go into processed lots, those into finished goods; a lot
  takes 1-4 inputs, mostly from the tier below and sometimes from further down (diamonds), and popular raw lots are
  co-mingled into many downstream lots;
- power-law degrees: a few producers make most lots and a few distributors and retailers receive most shipments
  (Zipf-weighted choices); lots go producer -> distributor -> retailer, imports come through Chinese ports;
- ownership groups (a holding company controls several subsidiaries, minority stakes between firms), and people who
  sit on several boards (legal representative or officer of several enterprises);
- about 0.5 % of enterprises blacklisted (some serious, some expired), test reports with a few failures.

Sizes: S about 10 000 batches, M about 100 000, L about 1 000 000; everything else in proportion.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TextIO

SIZES = {"S": 10_000, "M": 100_000, "L": 1_000_000}
TIER_SHARES = (0.30, 0.20, 0.15, 0.12, 0.09, 0.06, 0.05, 0.03)  # of batches, tiers 0..7
FOREIGN = ("NZ", "NL", "US", "DE", "AU", "FR", "JP", "KR", "TH", "VN")
PORTS = ("CNTAO", "CNSHA", "CNNGB", "CNTSN", "CNSZX", "CNXMN", "CNDLC")
REGIONS = ("Henan", "Shandong", "Zhejiang", "Guangdong", "Jiangsu", "Hebei", "Sichuan", "Fujian")
CATEGORIES = {  # category: (share, HS-code chapters)
    "FOOD": (0.35, ("0401", "0402", "0406", "1901", "1905", "2106", "1604", "2009")),
    "FOOD_CONTACT": (0.06, ("3924", "7323", "6911")),
    "COSMETICS": (0.07, ("3304", "3305", "3307")),
    "TOY": (0.10, ("9503", "9504")),
    "CHILDREN_PRODUCT": (0.06, ("9401", "8715", "9404")),
    "INFANT_CLOTHING": (0.05, ("6111", "6209")),
    "FUNCTIONAL_CLOTHING": (0.03, ("6210", "6211")),
    "ELECTRICAL": (0.10, ("8516", "8509", "8536", "8544")),
    "AUTO": (0.02, ("8703",)),
    "AUTO_PART": (0.08, ("8708", "8409", "4011")),
    "NON_ROAD_MACHINERY": (0.03, ("8429", "8432")),
    "OTHER": (0.05, ("3926", "4202", "9603")),
}
START = date(2025, 1, 1)
DAYS = 540  # lots are made between START and START + DAYS
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(rng: random.Random) -> str:
    """A unified social credit code with a correct check character (GB 32100-2015)."""
    body = (
        "91"
        + "".join(rng.choice("0123456789") for _ in range(6))
        + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    )
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


class Zipf:
    """Choices among n items where item k is picked with weight 1 / (k + 1) ** s: a few get most."""

    def __init__(self, items: Sequence[Any], s: float = 1.0):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(1 / (k + 1) ** s for k in range(len(self.items))))

    def pick(self, rng: random.Random) -> Any:
        i = bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])
        return self.items[min(i, len(self.items) - 1)]


@dataclass(frozen=True)
class Plan:
    batches: int
    enterprises: int
    persons: int
    products: int
    labs: int = 24

    @classmethod
    def of(cls, size: str) -> Plan:
        batches = SIZES[size]
        enterprises = max(300, batches // 20)
        return cls(batches, enterprises, enterprises * 4 // 5, max(100, batches // 50))


Record = dict[str, Any]


@dataclass
class World:
    """What the record families share: the plan, the one random source (drawn in family order, so the order of
    FAMILIES is part of the output), and the ids each family makes for the ones after it."""

    plan: Plan
    rng: random.Random
    roles: dict[str, list[str]] = field(default_factory=dict)  # generator role -> enterprise ids
    enterprises: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    domestic: list[str] = field(default_factory=list)  # Chinese enterprises, shuffled
    products: list[str] = field(default_factory=list)
    tiers: list[list[str]] = field(default_factory=list)  # batch ids by tier
    produced: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # batch -> (producer, day, unit)


# the generator's roles of enterprises, by share (the rest are PLATFORM), and their record roles
ROLE_SHARES = (("MAKER", 0.18), ("FOREIGN", 0.07), ("IMPORTER", 0.05), ("DIST", 0.15), ("RETAIL", 0.50))
RECORD_ROLES = {
    "MAKER": ["MANUFACTURER"],
    "FOREIGN": ["MANUFACTURER", "EXPORTER"],
    "IMPORTER": ["IMPORTER", "DISTRIBUTOR"],
    "DIST": ["DISTRIBUTOR", "LOGISTICS"],
    "RETAIL": ["RETAILER"],
    "PLATFORM": ["ECOMMERCE_PLATFORM", "CROSS_BORDER_SELLER"],
}
AGENCY_KINDS = ("CUSTOMS", "MARKET_REGULATION", "CUSTOMS", "HEALTH", "AGRICULTURE", "COMMERCE")


def agencies(world: World) -> Iterator[Record]:
    for k, kind in enumerate(AGENCY_KINDS):
        yield {"type": "agency", "id": f"AG-{k:02d}", "name": f"Agency {k}", "kind": kind}


def enterprises(world: World) -> Iterator[Record]:
    """Enterprises by role; foreign producers supply raw materials that are imported."""
    rng = world.rng
    world.roles = {role: [] for role in RECORD_ROLES}
    for k in range(world.plan.enterprises):
        x, role = rng.random(), "PLATFORM"
        for name, share in ROLE_SHARES:
            if x < share:
                role = name
                break
            x -= share
        eid = f"E{k:07d}"
        world.roles[role].append(eid)
        world.enterprises.append(eid)
        foreign = role == "FOREIGN"
        record = {"type": "enterprise", "id": eid, "name": f"Enterprise {k}", "roles": RECORD_ROLES[role]}
        record["country"] = rng.choice(FOREIGN) if foreign else "CN"
        if not foreign:
            record["region"] = rng.choice(REGIONS)
            record["uscc"] = uscc(rng)
            grade = rng.random()
            if grade < 0.03:
                record["creditGrade"] = "ADVANCED_CERTIFIED"
            elif grade < 0.15:
                record["creditGrade"] = "CERTIFIED"
        yield record


def people_and_ties(world: World) -> Iterator[Record]:
    """Each enterprise a legal representative; a few people sit on many boards."""
    rng = world.rng
    world.persons = persons = [f"P{k:07d}" for k in range(world.plan.persons)]
    yield from ({"type": "person", "id": p, "name": f"Person {p[1:]}"} for p in persons)
    board = Zipf(persons, s=0.8)
    for eid in world.enterprises:
        lr = board.pick(rng) if rng.random() < 0.25 else rng.choice(persons)
        yield {"type": "link", "kind": "LEGAL_REPRESENTATIVE", "from": lr, "to": eid}
        if rng.random() < 0.6:
            yield {"type": "link", "kind": "SHAREHOLDER", "from": lr, "to": eid, "share": round(rng.uniform(0.2, 1), 2)}
        if rng.random() < 0.3:
            officer = board.pick(rng)
            if officer != lr:
                yield {"type": "link", "kind": "OFFICER", "from": officer, "to": eid}


def ownership_groups(world: World) -> Iterator[Record]:
    """A holding controls 2-6 subsidiaries; minority stakes between firms."""
    rng = world.rng
    world.domestic = domestic = [e for r in ("MAKER", "IMPORTER", "DIST", "RETAIL", "PLATFORM") for e in world.roles[r]]
    rng.shuffle(domestic)
    holdings = domestic[: max(1, len(domestic) // 40)]
    rest = domestic[len(holdings) :]
    for holding in holdings:
        for sub in rng.sample(rest, min(len(rest), rng.randint(2, 6))):
            yield {
                "type": "link",
                "kind": "SHAREHOLDER",
                "from": holding,
                "to": sub,
                "share": round(rng.uniform(0.5, 1), 2),
            }
    for _ in range(len(domestic) // 10):
        a, b = rng.sample(domestic, 2)
        yield {"type": "link", "kind": "SHAREHOLDER", "from": a, "to": b, "share": round(rng.uniform(0.05, 0.45), 2)}


def products(world: World) -> Iterator[Record]:
    """Products, each made by a few makers (see batches)."""
    rng = world.rng
    categories = list(CATEGORIES)
    weights = [CATEGORIES[c][0] for c in categories]
    for k in range(world.plan.products):
        category = rng.choices(categories, weights)[0]
        hs = rng.choice(CATEGORIES[category][1]) + f"{rng.randrange(1_000_000):06d}"
        pid = f"PR{k:06d}"
        world.products.append(pid)
        yield {"type": "product", "id": pid, "name": f"Product {k}", "hsCode": hs, "category": category}


def batches(world: World) -> Iterator[Record]:
    """Batches by tier: a lot takes inputs mostly from the tier below, popular lots (Zipf) most often."""
    rng, roles, plan = world.rng, world.roles, world.plan
    makers = Zipf(roles["MAKER"] or world.enterprises, s=1.1)
    foreign_makers = Zipf(roles["FOREIGN"] or roles["MAKER"], s=1.0)
    product_pick = Zipf(world.products, s=0.9)
    tiers: list[list[str]] = [[] for _ in TIER_SHARES]
    world.tiers = tiers
    popular: list[Zipf | None] = [None] * len(TIER_SHARES)
    serial = itertools.count()
    for tier, share in enumerate(TIER_SHARES):
        for _ in range(max(1, round(plan.batches * share))):
            bid = f"B{next(serial):08d}"
            foreign = tier == 0 and rng.random() < 0.3
            producer = foreign_makers.pick(rng) if foreign else makers.pick(rng)
            day = min(DAYS - 1, tier * 40 + rng.randrange(DAYS - 8 * 40))
            unit = "KGM" if tier < 2 else "EA"
            record: Record = {
                "type": "batch",
                "id": bid,
                "product": product_pick.pick(rng),
                "producer": producer,
                "quantity": rng.randrange(500, 20_000),
                "unit": unit,
                "producedAt": (START + timedelta(days=day)).isoformat(),
            }
            if foreign:
                record["originCountry"] = rng.choice(FOREIGN)
            if tier:
                inputs: dict[str, int] = {}
                for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
                    source_tier = tier - 1 if rng.random() < 0.7 else rng.randrange(tier)
                    chooser = popular[source_tier]
                    if chooser is not None:
                        inputs[chooser.pick(rng)] = rng.randrange(10, 2000)
                if inputs:
                    record["inputs"] = [{"batch": b, "quantity": q} for b, q in sorted(inputs.items())]
            tiers[tier].append(bid)
            world.produced[bid] = (producer, day, unit)
            yield record
        shuffled = tiers[tier][:]
        rng.shuffle(shuffled)  # popularity is not tied to age
        popular[tier] = Zipf(shuffled, s=0.9)


def shipments(world: World) -> Iterator[Record]:
    """Imports through ports, producers to distributors to retailers, some exports."""
    rng, roles = world.rng, world.roles
    importers = Zipf(roles["IMPORTER"] or roles["DIST"], s=1.0)
    distributors = Zipf(roles["DIST"] or world.enterprises, s=1.1)
    retailers = Zipf(roles["RETAIL"] + roles["PLATFORM"] or world.enterprises, s=1.0)
    buyers = roles["FOREIGN"] or world.enterprises
    shipment_serial = itertools.count()

    def shipment(bid: str, sender: str, to: str, day: int, quantity: int, direction: str) -> Record:
        record = {
            "type": "shipment",
            "id": f"S{next(shipment_serial):08d}",
            "batch": bid,
            "from": sender,
            "to": to,
            "quantity": quantity,
            "shippedAt": (START + timedelta(days=day)).isoformat(),
            "direction": direction,
        }
        if direction != "DOMESTIC":
            record["port"] = rng.choice(PORTS)
        return record

    for tier, ids in enumerate(world.tiers):
        for bid in ids:
            producer, day, _ = world.produced[bid]
            if producer in roles["FOREIGN"]:
                importer = importers.pick(rng)
                yield shipment(bid, producer, importer, day + 3, rng.randrange(100, 5000), "IMPORT")
                continue
            if tier < 3 and rng.random() < 0.5:
                continue  # an intermediate lot used in house
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                distributor = distributors.pick(rng)
                if distributor == producer:
                    continue
                yield shipment(bid, producer, distributor, day + 2, rng.randrange(50, 3000), "DOMESTIC")
                if tier >= 3 and rng.random() < 0.6:
                    retailer = retailers.pick(rng)
                    if retailer != distributor:
                        yield shipment(bid, distributor, retailer, day + 5, rng.randrange(5, 500), "DOMESTIC")
            if tier >= 5 and rng.random() < 0.05:
                yield shipment(bid, producer, rng.choice(buyers), day + 7, rng.randrange(50, 1000), "EXPORT")


def labs_and_reports(world: World) -> Iterator[Record]:
    """Labs (a few suspended or revoked, some not recognised) and test reports on about 15 % of lots, 3 % failed."""
    rng = world.rng
    labs = [f"LAB{k:03d}" for k in range(world.plan.labs)]
    for k, lab in enumerate(labs):
        status = "SUSPENDED" if k % 11 == 5 else "REVOKED" if k % 13 == 7 else "ACTIVE"
        yield {"type": "lab", "id": lab, "name": f"Lab {k}", "recognized": k % 5 != 4, "status": status}
    lab_pick = Zipf(labs, s=0.7)
    report_serial = itertools.count()
    for bid, (_, day, _) in world.produced.items():
        if rng.random() < 0.15:
            failed = rng.random() < 0.03
            yield {
                "type": "test_report",
                "id": f"T{next(report_serial):08d}",
                "lab": lab_pick.pick(rng),
                "batch": bid,
                "result": "FAIL" if failed else "PASS",
                "testedAt": (START + timedelta(days=day + 1)).isoformat(),
                "items": [
                    {"name": "total plate count", "value": 1e6 if failed else 1e3, "limit": 1e5, "pass": not failed}
                ],
            }


def blacklist(world: World) -> Iterator[Record]:
    """About 0.5 % of domestic enterprises, some serious, some already expired."""
    rng, domestic = world.rng, world.domestic
    for k, eid in enumerate(rng.sample(domestic, max(1, len(domestic) // 200))):
        record = {
            "type": "blacklist",
            "id": f"BL{k:06d}",
            "enterprise": eid,
            "reason": "serious quality-safety violation",
            "listedAt": (START + timedelta(days=rng.randrange(DAYS))).isoformat(),
            "agency": f"AG-{rng.randrange(len(AGENCY_KINDS)):02d}",
            "serious": rng.random() < 0.3,
        }
        if rng.random() < 0.2:  # some have already expired
            record["expiresAt"] = (START + timedelta(days=DAYS + 30)).isoformat()
        yield record


# In this order: each family uses the ids of the ones before it, and all draw from one random source.
FAMILIES = (
    agencies,
    enterprises,
    people_and_ties,
    ownership_groups,
    products,
    batches,
    shipments,
    labs_and_reports,
    blacklist,
)


def records(plan: Plan, seed: int) -> Iterator[Record]:
    """The records of a plan, family by family (references before use is not required, but nice)."""
    world = World(plan, random.Random(seed))
    for family in FAMILIES:
        yield from family(world)


def generate(size: str, seed: int) -> Iterator[Record]:
    """The records of a size (S, M, L)."""
    return records(Plan.of(size), seed)


def write(size: str, seed: int, out: TextIO) -> dict[str, int]:
    """Write the data set as NDJSON; the count per record type."""
    counts: dict[str, int] = {}
    for record in generate(size, seed):
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
        counts[record["type"]] = counts.get(record["type"], 0) + 1
    return counts
