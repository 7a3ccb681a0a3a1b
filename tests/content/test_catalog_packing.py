"""The catalog's packing columns (origin, unit net weight, units per carton, carton size
and full weight): imported, checked cell by cell, exported as they were imported."""

from __future__ import annotations

from decimal import Decimal

from marketplace.content.queries.catalog import COLUMN_NAMES
from tests.content.catalog_support import (
    BOLT,
    categories,  # noqa: F401 - fixture
    csv_file,
    post_import,
    products_of,
    sheet_rows,
    supplier,  # noqa: F401 - fixture
)

PACKED = {**BOLT, "origin_country": "tw", "net_weight_kg": "0.0148", "units_per_carton": "500",
          "carton_length_cm": "39", "carton_width_cm": "26", "carton_height_cm": "18",
          "carton_gross_weight_kg": "8"}


def test_packing_columns_import_check_and_export(app, api, supplier):
    bad = {**PACKED, "sku": "BOLT-M10", "origin_country": "Taiwan", "units_per_carton": "2.5",
           "carton_length_cm": "-39"}
    response = post_import(api, supplier.token, csv_file([PACKED, bad]))
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.get_json()
    assert (result["created"], result["failed_rows"]) == (1, 1)
    assert {error["field"] for error in result["errors"]} == {
        "origin_country", "units_per_carton", "carton_length_cm"}
    bolt = products_of(app, supplier.company_id)["BOLT-M8"]
    assert (bolt.origin_country, bolt.net_weight_kg, bolt.units_per_carton,
            bolt.carton_gross_weight_kg) == ("TW", Decimal("0.0148"), 500, Decimal("8"))
    exported = api.get("/catalog/export?format=xlsx", supplier.token)
    rows = sheet_rows(exported.get_data())
    row = dict(zip(COLUMN_NAMES, rows[1], strict=True))
    assert (row["origin_country"], row["units_per_carton"], row["carton_height_cm"]) == (
        "TW", 500, 18)
    # Imported again unchanged: nothing changes.
    again = post_import(api, supplier.token, csv_file([PACKED])).get_json()
    assert (again["unchanged"], again["updated"]) == (1, 0)
