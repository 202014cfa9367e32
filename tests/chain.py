"""A supply chain worked out by hand, shared by the recall-scope, recall and GraphQL tests: one imported lot passes
importer -> maker -> bakery, each tier ships some on, uses some, keeps the rest; the lots are in KGM and EA.

    NZ produced POWDER, 22 000 KGM, and shipped all of it to IMP (the importer).
    IMP shipped it on in full: 12 000 to MAK (the maker), 10 000 to BAK (the bakery).
    MAK made PREMIX (5 000 KGM) from 2 000 of POWDER and shipped all of it to BAK.
    BAK made BREAD (11 520 EA) from 1 000 of PREMIX and 300 of SUGAR (not affected), and shipped
    10 320 of it to SHOP and 1 200 to CAFE.

A recall of POWDER, by consignee then batch (received, forwarded, used, on hand):

    BAK   POWDER  10 000 KGM       0      0   10 000
    BAK   PREMIX   5 000 KGM       0  1 000    4 000
    CAFE  BREAD    1 200 EA        0      0    1 200
    IMP   POWDER  22 000 KGM  22 000      0        0   shipped on in full: nothing on hand
    MAK   POWDER  12 000 KGM       0  2 000   10 000
    SHOP  BREAD   10 320 EA        0      0   10 320

On hand: 24 000 KGM and 11 520 EA, never added. The lines received 49 000 KGM: counting that would count POWDER at
the importer and again at the maker and the bakery.
"""

from tests.conftest import BASE, batch, enterprise, product, shipment

CHAIN = (
    *BASE,
    enterprise("NZ", name="NZ Dairy", country="NZ"),
    enterprise("IMP", name="Importer"),
    enterprise("MAK", name="Premix Maker"),
    enterprise("BAK", name="Bakery"),
    enterprise("SHOP", name="Shop"),
    enterprise("CAFE", name="Cafe"),
    product("P2"),
    batch("POWDER", producer="NZ", quantity=22_000),
    batch("SUGAR", producer="BAK", quantity=500),
    batch("PREMIX", [("POWDER", 2_000)], producer="MAK", quantity=5_000),
    batch("BREAD", [("PREMIX", 1_000), ("SUGAR", 300)], product="P2", producer="BAK", quantity=11_520, unit="EA"),
    shipment("C1", "POWDER", "IMP", quantity=22_000, from_="NZ", shipped_at="2026-03-01", direction="IMPORT"),
    shipment("C2", "POWDER", "MAK", quantity=12_000, from_="IMP", shipped_at="2026-03-03"),
    shipment("C3", "POWDER", "BAK", quantity=10_000, from_="IMP", shipped_at="2026-03-04"),
    shipment("C4", "PREMIX", "BAK", quantity=5_000, from_="MAK", shipped_at="2026-03-06"),
    shipment("C5", "BREAD", "SHOP", quantity=10_320, from_="BAK", shipped_at="2026-03-08"),
    shipment("C6", "BREAD", "CAFE", quantity=1_200, from_="BAK", shipped_at="2026-03-08"),
)

# (consignee, batch, received, forwarded, used, on hand, unit), by consignee then batch
CHAIN_HOLDINGS = [
    ("BAK", "POWDER", 10_000.0, 0.0, 0.0, 10_000.0, "KGM"),
    ("BAK", "PREMIX", 5_000.0, 0.0, 1_000.0, 4_000.0, "KGM"),
    ("CAFE", "BREAD", 1_200.0, 0.0, 0.0, 1_200.0, "EA"),
    ("IMP", "POWDER", 22_000.0, 22_000.0, 0.0, 0.0, "KGM"),
    ("MAK", "POWDER", 12_000.0, 0.0, 2_000.0, 10_000.0, "KGM"),
    ("SHOP", "BREAD", 10_320.0, 0.0, 0.0, 10_320.0, "EA"),
]

# The INPUT_TO edges of the recall scope of POWDER, by output id then input id: SUGAR -> BREAD is not affected.
CHAIN_EDGES = [("PREMIX", "BREAD", 1_000.0, "KGM"), ("POWDER", "PREMIX", 2_000.0, "KGM")]
