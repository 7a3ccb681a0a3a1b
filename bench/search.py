"""Benchmark: product search at catalog scale.

Generates a realistic catalog (mixed English / Traditional Chinese names from word
lists, specifications, categories from the default tree, suppliers in several
countries, 1-3 price tiers; a few drafts, archived products and a suspended
supplier that must not be indexed), then reports:

- indexing: ``flask reindex`` speed (read from the database, analyse, write; docs/s),
  and single-product updates as the signal path makes them (one commit each);
- search: p50 / p95 of typical queries (English, Chinese, with facets and a price
  range) through the API (in-process Flask test client: parsing, Whoosh, loading
  the page's rows, JSON) and the same queries directly on the Whoosh index
  (parse, facets, highlights, suggestion), and the ratio (the framework's share).

Run: .venv/bin/python bench/search.py [--sizes 10000,100000] [--million] [--repeat 30]
``--million`` adds a 1,000,000-product catalog (long: generation and indexing take a
while). Set DATABASE_URL to use PostgreSQL (its tables are dropped and recreated!)
instead of a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.content.models import PriceTier, Product, ProductStatus  # noqa: E402
from marketplace.content.search import indexing  # noqa: E402
from marketplace.content.search.whoosh_backend import SearchRequest  # noqa: E402
from marketplace.core.boundary import commit  # noqa: E402
from marketplace.core.types import utcnow  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.infrastructure.models import Category, Company, CompanyStatus  # noqa: E402
from marketplace.infrastructure.operations import install_default_categories  # noqa: E402

# category code: [(English noun, Chinese noun)]
NOUNS = {
    "hardware.fasteners": [("hex bolt", "六角螺栓"), ("bolt", "螺栓"), ("nut", "螺帽"),
                           ("screw", "螺絲"), ("washer", "墊圈"), ("rivet", "鉚釘"),
                           ("anchor bolt", "膨脹螺栓")],
    "hardware.hand_tools": [("wrench", "扳手"), ("pliers", "鉗子"), ("screwdriver", "起子"),
                            ("socket set", "套筒組")],
    "hardware.power_tools": [("cordless drill", "電鑽"), ("angle grinder", "砂輪機")],
    "electronics.lighting": [("LED bulb", "LED燈泡"), ("LED strip", "LED燈條"),
                             ("floodlight", "投光燈")],
    "electronics.components": [("connector", "連接器"), ("resistor", "電阻"),
                               ("capacitor", "電容")],
    "apparel.garments": [("t-shirt", "T恤"), ("work jacket", "工作外套")],
    "apparel.fabrics": [("towel", "毛巾"), ("fabric", "布料"), ("canvas", "帆布")],
    "apparel.footwear": [("sneaker", "運動鞋"), ("safety shoe", "安全鞋")],
    "home.kitchenware": [("frying pan", "平底鍋"), ("chef knife", "廚刀")],
    "home.furniture": [("chair", "椅子"), ("table", "桌子")],
    "food.tea": [("oolong tea", "烏龍茶"), ("green tea", "綠茶"), ("black tea", "紅茶")],
    "vehicles.bicycles": [("bicycle frame", "自行車車架"), ("disc brake", "碟煞")],
    "vehicles.auto_parts": [("brake pad", "煞車來令片"), ("oil filter", "機油濾清器")],
    "chemicals.plastics": [("PP resin", "聚丙烯樹脂"), ("ABS pellets", "ABS塑膠粒")],
    "machinery.industrial": [("centrifugal pump", "離心泵浦"), ("gate valve", "閘閥")],
    "machinery.parts": [("ball bearing", "滾珠軸承"), ("spur gear", "正齒輪")],
}
MATERIALS = [("stainless steel", "不鏽鋼"), ("carbon steel", "碳鋼"), ("brass", "黃銅"),
             ("aluminium", "鋁合金"), ("titanium", "鈦"), ("nylon", "尼龍"),
             ("cotton", "純棉"), ("polyester", "聚酯纖維"), ("bamboo", "竹"),
             ("cast iron", "鑄鐵"), ("zinc plated steel", "鍍鋅鋼")]
ADJECTIVES = ["Heavy duty", "Industrial", "Precision", "Compact", "Professional", "Marine grade",
              "Outdoor", "Premium", "Economy", "High strength"]
FINISHES = ["plain", "zinc plated", "black oxide", "hot-dip galvanized", "polished", "anodized"]
STANDARDS = ["DIN 933", "ISO 4017", "ASTM A193", "JIS B1180", "EN 14399", "CNS 3934"]
COUNTRIES = ["TW", "CN", "VN", "TR", "DE", "IN", "US", "JP"]
SENTENCES = [
    "Made in our own factory with {material} of certified origin.",
    "Suitable for construction, furniture and marine use.",
    "Each lot is inspected; test reports on request.",
    "Packed in cartons of {pack} pieces, palletised for export.",
    "Lead time {lead} days after deposit; samples available.",
]
SENTENCES_ZH = ["自有工廠生產，{material}材質。", "適用於建築、家具與船舶。",
                "每批檢驗，可提供測試報告。",
                "紙箱包裝，每箱{pack}件。"]

# (label, API query, the same request for the index)
QUERIES = [
    ("EN  stainless steel bolt", {"q": "stainless steel bolt"}),
    ("EN  bolts (plural)", {"q": "bolts"}),
    ("EN  cotton towel", {"q": "cotton towel"}),
    ("ZH  不鏽鋼螺栓", {"q": "不鏽鋼螺栓"}),
    ("ZH  螺栓", {"q": "螺栓"}),
    ("ZH  烏龍茶", {"q": "烏龍茶"}),
    ("EN  bolt, category facet", {"q": "bolt", "category": "hardware.fasteners"}),
    ("EN  steel, TW, price 0.5-5", {"q": "steel", "country": "TW", "min_price": "0.5",
                                    "max_price": "5"}),
    ("--  browse category apparel", {"category": "apparel"}),
    ("EN  misspelt: stainles stel", {"q": "stainles stel"}),
]


def build_app(folder: str):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                                     "SEARCH_INDEX_DIR": f"{folder}/search"},
                     instance_path=folder)
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def generate(app, size: int, seed: int = 7) -> dict:
    """Insert ``size`` products (about 90% published) from 40 suppliers; one supplier is
    suspended. Returns counts."""
    rng = random.Random(seed)
    with app.test_request_context():
        install_default_categories()
        categories = {c.code: c.id for c in db.session.scalars(select(Category))}
        suppliers = []
        for number in range(40):
            country = COUNTRIES[number % len(COUNTRIES)]
            company = Company(name=f"Supplier {number:02d} {country} Trading Co.",
                              country=country, status=CompanyStatus.ACTIVE, approved_at=utcnow())
            company.roles = ["supplier"]
            suppliers.append(company)
        db.session.add_all(suppliers)
        commit()
        supplier_ids = [c.id for c in suppliers]
        codes = list(NOUNS)
        published = 0
        batch, tiers = [], []
        now = utcnow()
        for ident in range(1, size + 1):
            code = codes[ident % len(codes)] if rng.random() < 0.5 else rng.choice(codes)
            noun, noun_zh = rng.choice(NOUNS[code])
            material, material_zh = rng.choice(MATERIALS)
            size_label = rng.choice(["M6", "M8", "M10", "M12", "10 mm", "1/2\"", "XL", "500 g",
                                     "2 m", "12 V"])
            status = rng.choices([ProductStatus.PUBLISHED, ProductStatus.DRAFT,
                                  ProductStatus.ARCHIVED], [90, 5, 5])[0]
            published += status == ProductStatus.PUBLISHED
            pack, lead = rng.choice([50, 100, 500, 1000]), rng.choice([15, 20, 30, 45])
            description = " ".join(s.format(material=material, pack=pack, lead=lead)
                                   for s in rng.sample(SENTENCES, 3))
            batch.append({
                "id": ident, "company_id": rng.choice(supplier_ids), "sku": f"SKU-{ident:07d}",
                "name": f"{rng.choice(ADJECTIVES)} {material} {noun} {size_label}",
                "name_zh": f"{material_zh}{noun_zh} {size_label}" if rng.random() < 0.7 else None,
                "description": description,
                "description_zh": "".join(s.format(material=material_zh, pack=pack)
                                          for s in rng.sample(SENTENCES_ZH, 2))
                if rng.random() < 0.5 else None,
                "category_id": categories[code], "unit": "pcs", "currency": "USD",
                "moq": Decimal(pack), "status": status,
                "attributes": {"Material": material, "Size": size_label,
                               "Finish": rng.choice(FINISHES),
                               "Standard": rng.choice(STANDARDS)},
                "published_at": now if status == ProductStatus.PUBLISHED else None,
                "created_at": now, "updated_at": now, "version": 1,
            })
            price = Decimal(rng.randint(100, 5_000_000)) / Decimal(10_000)
            for step in range(rng.randint(1, 3)):
                tiers.append({"product_id": ident, "min_qty": Decimal(pack * 10 ** step),
                              "unit_price": (price * Decimal(1 - 0.08 * step)).quantize(
                                  Decimal("0.0001"))})
            if len(batch) == 5000:
                _flush(batch, tiers)
        _flush(batch, tiers)
        # One supplier is suspended: none of its products may be indexed.
        db.session.execute(update(Company).where(Company.id == supplier_ids[-1])
                           .values(status=CompanyStatus.SUSPENDED))
        commit()
        visible = db.session.scalar(select(db.func.count(Product.id))
                                    .where(Product.publicly_visible()))
    return {"products": size, "published": published, "visible": visible}


def _flush(batch: list, tiers: list) -> None:
    if batch:
        db.session.execute(insert(Product), batch)
        db.session.execute(insert(PriceTier), tiers)
        commit()
        batch.clear()
        tiers.clear()


def timed(call, repeat: int) -> list[float]:
    call()  # warm: caches, jieba, the first searcher
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return timings


def p50_p95(timings: list[float]) -> tuple[float, float]:
    quantiles = statistics.quantiles(timings, n=20)
    return quantiles[9] * 1000, quantiles[18] * 1000


def direct_request(query: dict) -> SearchRequest:
    """What the API asks the index for the same query (see search.searching)."""
    request = SearchRequest(text=query.get("q", ""), page=1, per_page=20)
    if "category" in query:
        request.terms["category_path"] = query["category"]
    if "country" in query:
        request.terms["country"] = query["country"]
    if "min_price" in query or "max_price" in query:
        request.ranges["price"] = (indexing.price_key(Decimal(query["min_price"])),
                                   indexing.price_key(Decimal(query["max_price"])))
    return request


def bench_size(size: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        started = time.perf_counter()
        counts = generate(app, size)
        print(f"\n== {size:,} products ({counts['published']:,} published, "
              f"{counts['visible']:,} visible; generated in "
              f"{time.perf_counter() - started:.0f} s) ==")

        with app.app_context():
            started = time.perf_counter()
            indexed = indexing.rebuild("products")
            elapsed = time.perf_counter() - started
            indexing.rebuild("companies")
            assert indexed == counts["visible"], (indexed, counts)
            size_mb = sum(f.stat().st_size for f in Path(folder, "search", "products").iterdir()
                          ) / 2**20
            print(f"reindex products: {indexed:,} docs in {elapsed:.1f} s = "
                  f"{indexed / elapsed:,.0f} docs/s (index {size_mb:.0f} MiB)")

            ids = list(db.session.scalars(select(Product.id).where(Product.publicly_visible())
                                          .limit(100)))
            started = time.perf_counter()
            for ident in ids:
                indexing.refresh("products", [ident])
            elapsed = time.perf_counter() - started
            print(f"single-product updates (one commit each): {len(ids) / elapsed:,.0f}/s, "
                  f"{elapsed / len(ids) * 1000:.1f} ms each")

        client = app.test_client()
        backend = None
        with app.app_context():
            backend = indexing.backend()
        print(f"{'query':<30} {'hits':>7}  {'API p50':>8} {'p95':>7}   {'Whoosh p50':>10} "
              f"{'p95':>7}   {'API/Whoosh':>10}")
        for label, query in QUERIES:
            def through_api(query=query):
                response = client.get("/api/v1/search/products", query_string=query)
                assert response.status_code == 200, response.get_data(as_text=True)
                return response

            def direct(query=query):
                return backend.search("products", direct_request(query))

            hits = through_api().get_json()["total"]
            assert direct().total == hits, (label, direct().total, hits)
            api50, api95 = p50_p95(timed(through_api, repeat))
            raw50, raw95 = p50_p95(timed(direct, repeat))
            print(f"{label:<30} {hits:>7,}  {api50:7.1f}ms {api95:6.1f}ms   {raw50:9.1f}ms "
                  f"{raw95:6.1f}ms   {api50 / raw50:9.2f}x")
        with app.app_context():
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated catalog sizes (default 10000,100000)")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 products")
    parser.add_argument("--repeat", type=int, default=30, help="runs of each query")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million:
        sizes.append(1_000_000)
    database = (os.environ.get("DATABASE_URL") or "sqlite").split(":")[0]
    print(f"database: {database}; {args.repeat} runs per query; in-process WSGI client")
    for size in sizes:
        bench_size(size, args.repeat)


if __name__ == "__main__":
    main()
