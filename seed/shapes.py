"""Shapes the national-scale generator (seed/generate.py) does not stress, as the same record dicts
(contract/RECORDS.md), deterministic by seed, each family under an id prefix so several fit in one graph:

- `deep_chains`: co-mingling silo chains 30-50 tiers deep. Each chain is one silo operator's lots, one per tier;
  each tier's lot is made from the chain's own lot of the tier above and 2-3 other chains' lots of that tier (grain
  from other silos, shipped in), so after a few tiers every chain holds every other's grain. Traced back from the
  bottom (`deep_chain_leaf`) at maxDepth 50, a lot's upstream is every chain's lot of every tier above.
- `super_spreader`: one ingredient lot (`super_spreader_root`, the 2008 milk-powder case) whose recall reaches
  `lots` lots and `consignees` consignees: the powder goes to formula factories (base powder, then cans), the cans to
  packers (cases), the cases to distributors, who forward part of each to retailers. Every quantity is a whole
  number in its lot's unit, so each holding (received, forwarded, used, on hand) is exact.

    python -m seed.shapes deep --chains 8 --tiers 50 > deep.ndjson
    python -m seed.shapes spreader --lots 50000 --consignees 2000 > spreader.ndjson
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

Record = dict[str, Any]
START = date(2026, 3, 1)
LOT_KG = 10_000  # a silo lot
FACTORIES, PACKERS = 3, 7  # of a super-spreader: the consignees that are not distributors or retailers


def _day(days: int) -> str:
    return (START + timedelta(days=days)).isoformat()


def _enterprise(eid: str, name: str, *roles: str) -> Record:
    return {"type": "enterprise", "id": eid, "name": name, "roles": list(roles), "country": "CN"}


def _shipment(sid: str, batch: str, sender: str, to: str, quantity: int, day: int) -> Record:
    return {
        "type": "shipment",
        "id": sid,
        "batch": batch,
        "from": sender,
        "to": to,
        "quantity": quantity,
        "shippedAt": _day(day),
    }


# --- deep co-mingling silo chains ----------------------------------------------------------------------------------


def deep_chain_lot(chain: int, tier: int, prefix: str = "SILO") -> str:
    return f"{prefix}-C{chain:03d}-T{tier:03d}"


def deep_chain_leaf(chains: int, tiers: int, prefix: str = "SILO") -> str:
    """The bottom lot of chain 0 (tier `tiers` - 1): traced back, it reaches every tier above."""
    if chains < 1 or tiers < 1:
        raise ValueError("chains and tiers must be at least 1")
    return deep_chain_lot(0, tiers - 1, prefix)


def deep_chains(chains: int, tiers: int, seed: int = 1, prefix: str = "SILO") -> Iterator[Record]:
    """`chains` silo chains `tiers` lots deep: the lot of chain c at tier t is made from chain c's lot at t - 1 and
    2-3 other chains' lots at t - 1 (fewer when there are fewer chains), each other chain's lot shipped in from its
    silo; the bottom tier's lots are shipped to a distributor."""
    if chains < 1 or tiers < 1:
        raise ValueError("chains and tiers must be at least 1")
    rng = random.Random(seed)
    silo = [f"{prefix}-E{c:03d}" for c in range(chains)]
    distributor = f"{prefix}-E-DIST"
    product = f"{prefix}-GRAIN"
    inputs: dict[tuple[int, int], list[int]] = {}  # (chain, tier) -> the chains whose lot at tier - 1 went in
    for t in range(1, tiers):
        for c in range(chains):
            others = [o for o in range(chains) if o != c]
            inputs[c, t] = [c, *sorted(rng.sample(others, min(len(others), rng.randint(2, 3))))]
    uses = Counter((o, t - 1) for (_, t), chosen in inputs.items() for o in chosen)  # how many lots each went into

    yield {"type": "product", "id": product, "name": "Wheat, co-mingled", "hsCode": "1001990000", "category": "FOOD"}
    for c, eid in enumerate(silo):
        yield _enterprise(eid, f"Silo {c}", "MANUFACTURER", "DISTRIBUTOR")
    yield _enterprise(distributor, "Grain distributor", "DISTRIBUTOR")
    serial = 0
    for t in range(tiers):
        for c in range(chains):
            lot: Record = {
                "type": "batch",
                "id": deep_chain_lot(c, t, prefix),
                "product": product,
                "producer": silo[c],
                "quantity": LOT_KG,
                "unit": "KGM",
                "producedAt": _day(t),
            }
            if t:
                lot["inputs"] = [
                    {"batch": deep_chain_lot(o, t - 1, prefix), "quantity": LOT_KG // (uses[o, t - 1] + 1)}
                    for o in inputs[c, t]
                ]
            yield lot
            for o in inputs.get((c, t), [])[1:]:  # the other silos' grain came by shipment
                serial += 1
                quantity = LOT_KG // (uses[o, t - 1] + 1)
                yield _shipment(
                    f"{prefix}-S{serial:07d}", deep_chain_lot(o, t - 1, prefix), silo[o], silo[c], quantity, t
                )
    for c in range(chains):
        serial += 1
        yield _shipment(
            f"{prefix}-S{serial:07d}", deep_chain_lot(c, tiers - 1, prefix), silo[c], distributor, 5000, tiers
        )


# --- a super-spreader ingredient lot -------------------------------------------------------------------------------


def super_spreader_root(prefix: str = "SPREAD") -> str:
    return f"{prefix}-POWDER"


def super_spreader_plan(lots: int, consignees: int) -> dict[str, int]:
    """How many lots each tier holds and how many consignees of each kind: lots = 1 + base + cans + cases,
    consignees = factories + packers + distributors + retailers."""
    base = max(FACTORIES, lots // 400)
    cans = max(PACKERS, lots // 20)
    cases = lots - 1 - base - cans
    distributors = max(1, (consignees - FACTORIES - PACKERS) // 20)
    retailers = consignees - FACTORIES - PACKERS - distributors
    if retailers < 1 or cases < retailers:
        raise ValueError(
            f"{lots} lots cannot reach {consignees} consignees: give at least "
            f"{FACTORIES + PACKERS + 2} consignees and more lots than consignees"
        )
    return {
        "base": base,
        "cans": cans,
        "cases": cases,
        "factories": FACTORIES,
        "packers": PACKERS,
        "distributors": distributors,
        "retailers": retailers,
    }


def super_spreader(lots: int, consignees: int, seed: int = 1, prefix: str = "SPREAD") -> Iterator[Record]:
    """A milk-powder lot whose recall (maxDepth >= 3) reaches exactly `lots` lots, itself included, and exactly
    `consignees` consignees. The dairy ships the powder to 3 factories (each keeps 100 kg unused); a factory makes
    base-powder lots from it (and from whey that is not in the recall), and cans from its own base powder; each
    can lot goes to one of 7 packers (10 cans kept), who pack the cans into cases; each case lot goes to a
    distributor (100 cases), who forwards 40 of them to a retailer."""
    plan = super_spreader_plan(lots, consignees)
    rng = random.Random(seed)
    root = super_spreader_root(prefix)
    dairy = f"{prefix}-E-DAIRY"
    factories = [f"{prefix}-E-F{i}" for i in range(plan["factories"])]
    packers = [f"{prefix}-E-P{i}" for i in range(plan["packers"])]
    distributors = [f"{prefix}-E-D{i:04d}" for i in range(plan["distributors"])]
    retailers = [f"{prefix}-E-R{i:05d}" for i in range(plan["retailers"])]
    whey = [f"{prefix}-WHEY-{i}" for i in range(10)]
    base = [f"{prefix}-BASE-{i:05d}" for i in range(plan["base"])]
    cans = [f"{prefix}-CAN-{i:06d}" for i in range(plan["cans"])]
    cases = [f"{prefix}-CASE-{i:06d}" for i in range(plan["cases"])]

    products = {
        "POWDER": ("Whole milk powder", "0402210000"),
        "WHEY": ("Whey powder", "0404100000"),
        "BASE": ("Infant formula base powder", "1901101000"),
        "CAN": ("Infant formula 900 g", "1901101000"),
        "CASE": ("Infant formula, case of 6", "1901101000"),
    }
    for key, (name, hs) in products.items():
        yield {"type": "product", "id": f"{prefix}-PR-{key}", "name": name, "hsCode": hs, "category": "FOOD"}
    yield _enterprise(dairy, "Dairy (powder)", "MANUFACTURER")
    yield _enterprise(f"{prefix}-E-WHEY", "Whey supplier", "MANUFACTURER")  # not a consignee of the recall
    for eid in factories:
        yield _enterprise(eid, f"Formula factory {eid[-1]}", "MANUFACTURER")
    for eid in packers:
        yield _enterprise(eid, f"Packer {eid[-1]}", "MANUFACTURER", "DISTRIBUTOR")
    for eid in distributors:
        yield _enterprise(eid, f"Distributor {eid[-4:]}", "DISTRIBUTOR")
    for eid in retailers:
        yield _enterprise(eid, f"Retailer {eid[-5:]}", "RETAILER")

    def lot(bid: str, kind: str, producer: str, quantity: int, day: int, uses: list[tuple[str, int]]) -> Record:
        record: Record = {
            "type": "batch",
            "id": bid,
            "product": f"{prefix}-PR-{kind}",
            "producer": producer,
            "quantity": quantity,
            "unit": "KGM" if kind in ("POWDER", "WHEY", "BASE") else "EA",
            "producedAt": _day(day),
        }
        if uses:
            record["inputs"] = [{"batch": b, "quantity": q} for b, q in uses]
        return record

    serial = 0

    def ship(batch: str, sender: str, to: str, quantity: int, day: int) -> Record:
        nonlocal serial
        serial += 1
        return _shipment(f"{prefix}-S{serial:07d}", batch, sender, to, quantity, day)

    # Powder into base powder: base lot i is factory i % 3's, made of 500-560 kg of powder and 200 kg of whey.
    powder_use = [500 + 10 * rng.randrange(7) for _ in base]
    to_factory = [sum(q for i, q in enumerate(powder_use) if i % len(factories) == f) + 100 for f in range(3)]
    yield lot(root, "POWDER", dairy, sum(to_factory) + 5000, 0, [])
    for whey_lot in whey:
        yield lot(whey_lot, "WHEY", f"{prefix}-E-WHEY", 1_000_000, 0, [])
    for f, eid in enumerate(factories):
        yield ship(root, dairy, eid, to_factory[f], 1)
    whey_supplier = f"{prefix}-E-WHEY"
    for w, wid in enumerate(whey):  # the whey each factory uses, shipped in (the whey is not in the recall)
        for f, eid in enumerate(factories):
            used = sum(200 for i in range(len(base)) if i % 10 == w and i % len(factories) == f)
            if used:
                yield ship(wid, whey_supplier, eid, used, 1)
    for i, bid in enumerate(base):
        yield lot(bid, "BASE", factories[i % len(factories)], 1000, 2, [(root, powder_use[i]), (whey[i % 10], 200)])

    # Base powder into cans, in house: can lot j is made of base lot j % len(base), by that lot's factory.
    cans_per_base = Counter(j % len(base) for j in range(len(cans)))
    for j, bid in enumerate(cans):
        i = j % len(base)
        yield lot(bid, "CAN", factories[i % len(factories)], 2000, 4, [(base[i], 900 // (cans_per_base[i] + 1))])

    # Cans to packers: can lot j goes to packer j % 7, who packs it into the case lots k with k % len(cans) == j.
    cases_per_can = Counter(k % len(cans) for k in range(len(cases)))
    can_use = {j: 1900 // (cases_per_can[j] + 1) for j in range(len(cans))}
    for j, bid in enumerate(cans):
        yield ship(bid, factories[(j % len(base)) % len(factories)], packers[j % len(packers)], 1900, 5)
    for k, bid in enumerate(cases):
        j = k % len(cans)
        yield lot(bid, "CASE", packers[j % len(packers)], 120, 6, [(cans[j], can_use[j])])
        distributor = distributors[k % len(distributors)]
        yield ship(bid, packers[j % len(packers)], distributor, 100, 7 + rng.randrange(3))
        yield ship(bid, distributor, retailers[k % len(retailers)], 40, 10 + rng.randrange(5))


# --- the command line ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seed.shapes", description=__doc__.split("\n\n")[0])
    shapes = parser.add_subparsers(dest="shape", required=True)
    deep = shapes.add_parser("deep", help="co-mingling silo chains, traced back from deep_chain_leaf")
    deep.add_argument("--chains", type=int, default=8)
    deep.add_argument("--tiers", type=int, default=50)
    deep.add_argument("--prefix", default="SILO")
    spreader = shapes.add_parser("spreader", help="one ingredient lot whose recall reaches lots and consignees")
    spreader.add_argument("--lots", type=int, default=50_000)
    spreader.add_argument("--consignees", type=int, default=2_000)
    spreader.add_argument("--prefix", default="SPREAD")
    for sub in (deep, spreader):
        sub.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        if args.shape == "deep":
            records = deep_chains(args.chains, args.tiers, args.seed, args.prefix)
            start = deep_chain_leaf(args.chains, args.tiers, args.prefix)
        else:
            records = super_spreader(args.lots, args.consignees, args.seed, args.prefix)
            start = super_spreader_root(args.prefix)
        counts: Counter[str] = Counter()
        out = sys.stdout
        for record in records:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
            counts[record["type"]] += 1
    except ValueError as e:
        parser.error(str(e))
    print(f"{dict(counts)}; start from {start}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
