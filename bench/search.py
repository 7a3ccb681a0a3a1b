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

On PostgreSQL the search is PostgreSQL's own (``postgres_backend``): the catalog is
bulk-inserted, its search rows written in bulk from the same analysis the backend uses
(each distinct text analysed once), then each query through the API is timed beside
the raw SQL of the same words on the same rows (the hits counted and the first page
ranked by ``ts_rank`` in one statement; where the API looks for a spelling suggestion,
fewer than 3 hits, also the suggestion's raw SQL: the unknown words, their closest name
word by trigram similarity, whether the corrected query finds any: ``raw_suggestion``,
asserted to suggest what the API suggests); a single product update (the operation and
its commit, search row included) and whether the next search finds it; and the peak
RSS of a separate search process answering 8 concurrent clients.
"""

from __future__ import annotations

import argparse
import json
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
from marketplace.content.search.whoosh_backend import FEW_HITS, SearchRequest  # noqa: E402
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


def build_app(folder: str, keep: bool = False):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                                     "SEARCH_INDEX_DIR": f"{folder}/search"},
                     instance_path=folder)
    with app.app_context():
        if not keep:
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


def timed_pair(call, baseline, repeat: int) -> tuple[list[float], list[float]]:
    """``call`` and its ``baseline`` timed in turns (a load that drifts during the run
    weighs on both alike): their timings."""
    call(), baseline()  # warm: caches, jieba, the first searcher
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for which, function in enumerate((call, baseline)):
            start = time.perf_counter()
            function()
            timings[which].append(time.perf_counter() - start)
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


def bench_size(size: int, repeat: int, folder: str | None = None, keep: bool = False) -> None:
    """SQLite and Whoosh. ``folder``: the database and index live there (kept after the
    run); ``keep``: query the catalog a run left there (no generation, no reindex)."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = folder or temporary
        kept = keep and Path(folder, "bench.db").exists()
        app = build_app(folder, keep=kept)
        if kept:
            with app.app_context():
                visible = db.session.scalar(select(db.func.count(Product.id))
                                            .where(Product.publicly_visible()))
            print(f"\n== {visible:,} visible products (kept from the last run in {folder}) ==")
        else:
            bench_index(app, folder, size)
        bench_queries(app, repeat)
        memory = search_node_memory(f"sqlite:///{folder}/bench.db", folder)
        print(f"search node, 8 concurrent clients for 20 s: {memory['requests']:,} searches, "
              f"peak RSS {memory['peak_mb']:.0f} MB (at start {memory['start_mb']:.0f} MB)")


def bench_index(app, folder: str, size: int) -> None:
    """Generate the catalog, reindex it, time single updates."""
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


def bench_queries(app, repeat: int) -> None:
    client = app.test_client()
    backend = None
    with app.app_context():
        backend = indexing.backend()
    print(f"{'query':<30} {'hits':>7}  {'API p50':>8} {'p95':>7}   {'Whoosh p50':>10} "
          f"{'p95':>7}   {'p50 ratio':>9} {'p95 ratio':>9}")
    for label, query in QUERIES:
        def through_api(query=query):
            response = client.get("/api/v1/search/products", query_string=query)
            assert response.status_code == 200, response.get_data(as_text=True)
            return response

        def direct(query=query):
            return backend.search("products", direct_request(query))

        hits = through_api().get_json()["total"]
        assert direct().total == hits, (label, direct().total, hits)
        api_times, raw_times = timed_pair(through_api, direct, repeat)
        api50, api95 = p50_p95(api_times)
        raw50, raw95 = p50_p95(raw_times)
        print(f"{label:<30} {hits:>7,}  {api50:7.1f}ms {api95:6.1f}ms   {raw50:9.1f}ms "
              f"{raw95:6.1f}ms   {api50 / raw50:8.2f}x {api95 / raw95:8.2f}x")
    with app.app_context():
        db.engine.dispose()


# ----- PostgreSQL ---------------------------------------------------------------------


def load_search_rows(app) -> tuple[int, float]:
    """The search rows of every public product, written in bulk (what ``flask reindex``
    writes, each distinct field text analysed once). Returns (rows, seconds)."""
    from functools import lru_cache

    from marketplace.content.search import postgres_backend as pg
    from marketplace.content.search.tables import ProductSearchRow, SearchWord

    analysed = lru_cache(maxsize=200_000)(
        lambda weight, text: tuple(pg.vector_text([(weight, text)]).split(" ")) if text else ())

    def vector(fields) -> str:
        # Positions restart per field here (the backend numbers them across fields):
        # the same lexemes and weights, which is all a match and ts_rank read.
        merged: dict[str, list[str]] = {}
        for weight, text in fields:
            for item in analysed(weight, text):
                word, _, at = item.rpartition(":")
                merged.setdefault(word, []).extend(at.split(","))
        return " ".join(f"{w}:{','.join(at[:255])}" for w, at in merged.items())

    started = time.perf_counter()
    count = 0
    with app.app_context():
        categories = indexing._Categories()
        words: set[str] = set()
        last = 0
        conn = db.session.connection()
        while True:
            rows = conn.execute(select(
                Product.id, Product.company_id, Product.category_id, Product.sku,
                Product.currency, Product.name, Product.name_zh, Product.description,
                Product.description_zh, Product.attributes, Product.published_at,
                select(db.func.min(PriceTier.unit_price)).where(
                    PriceTier.product_id == Product.id).scalar_subquery().label("price"))
                .where(Product.publicly_visible(), Product.id > last)
                .order_by(Product.id).limit(20_000)).all()
            if not rows:
                break
            last = rows[-1].id
            batch = []
            for r in rows:
                batch.append({
                    "product_id": r.id, "company_id": r.company_id, "category_id": r.category_id,
                    "sku_key": r.sku.lower(), "currency": r.currency,
                    "price": indexing.price_key(r.price) if r.price is not None else None,
                    "published": int(r.published_at.timestamp()) if r.published_at else None,
                    "vector": vector([
                        ("A", r.name), ("A", r.name_zh),
                        ("B", indexing._attributes_text(r.attributes)),
                        ("C", categories.words([r.category_id])),
                        ("D", r.description), ("D", r.description_zh)])})
                words |= pg.spelling_words(r.name, r.name_zh)
            conn.execute(insert(ProductSearchRow), batch)
            count += len(batch)
        if words:
            conn.execute(insert(SearchWord), [{"kind": "products", "word": w}
                                              for w in sorted(words)])
        db.session.commit()
        indexing.rebuild("companies")
    with app.app_context(), db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as conn:
        conn.execute(db.text("VACUUM ANALYZE"))
    return count, time.perf_counter() - started


def raw_sql(query: dict):
    """The same words as bare SQL on the same rows: the hits counted and the first page
    ranked by ts_rank, one statement (no coverage tiers, facets, highlights or JSON)."""
    from marketplace.content.search.postgres_backend import RANK_WEIGHTS, parse

    words = [w for w in parse(query.get("q", "")).words if w.lexemes]
    tsquery = " | ".join(f"({w.tsquery})" for w in words)
    loose = " | ".join(f"({w.loose})" for w in words)
    where = ["c.status = 'active'"]
    params: dict = {}
    if tsquery:
        # As the API asks: the index for the pieces in any field, then the pieces in one
        # field checked on the rows it found (postgres_backend._found).
        where.append("s.vector @@ CAST(:loose AS tsquery)")
        params["loose"] = loose
        if loose != tsquery:
            where.append("ts_match_vq(s.vector, CAST(:q AS tsquery))")
        params["q"] = tsquery
    if "category" in query:
        where.append("s.category_id IN (SELECT id FROM categories WHERE code = :cat "
                      "OR code LIKE :cat || '.%')")
        params["cat"] = query["category"]
    if "country" in query:
        where.append("c.country = :country")
        params["country"] = query["country"]
    if "min_price" in query:
        where.append("s.price BETWEEN :low AND :high")
        params["low"] = indexing.price_key(Decimal(query["min_price"]))
        params["high"] = indexing.price_key(Decimal(query["max_price"]))
    rank = f"ts_rank('{RANK_WEIGHTS}'::float4[], s.vector, CAST(:q AS tsquery))" if tsquery \
        else "0"
    sql = db.text(f"""SELECT s.product_id, {rank} AS rank, count(*) OVER () AS total
        FROM search_products s JOIN companies c ON c.id = s.company_id
        WHERE {' AND '.join(where)} ORDER BY rank DESC, s.product_id LIMIT 20""")
    return sql, params


def raw_suggestion(text: str) -> tuple[list, str | None]:
    """The raw SQL of the API's spelling suggestion for ``text`` (what the API looks for
    when fewer than 3 products have all the words): which typed words no row has and
    the most similar name word of each by trigram similarity (``pg_trgm``, the same
    ``search_words`` rows and GIN index, one statement), then whether the corrected
    query has hits at all (one more): a query with an unknown word has no hit with all
    its words, so "finds more" is "finds one". Returns the statements' rows and the
    suggestion. The API also checks candidates by edit distance (the 30 most similar);
    the benchmark asserts both suggest the same."""
    import re

    from marketplace.content.search.analysis import stem_latin

    typed = list(dict.fromkeys(m.group(0).lower() for m in re.finditer(r"[A-Za-z]+", text)))
    typed = [w for w in typed if len(w) >= 3]
    if not typed:
        return [], None
    # A word is known when a name has it (as typed or stemmed) or, failing that, some
    # row's words do; each word's lexeme is a constant of the statement (letters only)
    # and its match materialized, or the planner, expecting 1,410 rows of a word it has
    # no statistics for, scans 900,000 rows for the first (0.8 s; the backend does so).
    named = ("EXISTS (SELECT 1 FROM search_words WHERE kind = 'products' "
             "AND word IN (:w{n}, :s{n}))")
    ctes = ", ".join(f"""m{n} AS MATERIALIZED (SELECT 1 FROM search_products
        WHERE vector @@ '{stem_latin(word)}'::tsquery AND NOT {named.format(n=n)})"""
                     for n, word in enumerate(typed))
    rows = db.session.execute(db.text(f"WITH {ctes} " + " UNION ALL ".join(f"""
        SELECT {n} AS n, {named.format(n=n)} OR EXISTS (SELECT 1 FROM m{n}) AS known,
            (SELECT w.word FROM search_words w WHERE w.kind = 'products' AND w.word % :w{n}
                AND left(w.word, 1) = left(:w{n}, 1)
             ORDER BY similarity(w.word, :w{n}) DESC, w.word LIMIT 1) AS closest"""
        for n in range(len(typed)))),
        {**{f"w{n}": w for n, w in enumerate(typed)},
         **{f"s{n}": stem_latin(w) for n, w in enumerate(typed)}}).all()
    closest = {typed[r.n]: r.closest for r in rows if not r.known and r.closest}
    if not closest:
        return rows, None
    corrected = re.sub(r"[A-Za-z]+", lambda m: closest.get(m.group(0).lower(), m.group(0)),
                       text)
    lexemes = " & ".join("'" + stem_latin(w.lower()) + "'"
                         for w in re.findall(r"[A-Za-z]+", corrected))
    found = db.session.scalar(db.text(
        "SELECT EXISTS (SELECT 1 FROM search_products s JOIN companies c "
        "ON c.id = s.company_id WHERE c.status = 'active' AND s.vector @@ CAST(:q AS tsquery))"),
        {"q": lexemes})
    return rows, corrected if found else None


def generate_sql(app, size: int, seed: int = 7) -> dict:
    """A catalog of ``size`` products in bulk SQL (``generate_series``), for sizes the
    row-by-row generator takes too long for: the same vocabulary, each product a
    combination (adjective, material, noun, size; attributes) and one of 300
    descriptions. The search rows are made in SQL too: each combination's and each
    description's words are analysed once in Python (the backend's ``vector_text``) and a
    product's vector is the two joined (``||``): the words and weights the backend
    writes, positions aside."""
    from marketplace.content.search import postgres_backend as pg

    rng = random.Random(seed)
    started = time.perf_counter()
    with app.test_request_context():
        install_default_categories()
        categories_by_code = {c.code: c.id for c in db.session.scalars(select(Category))}
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
        categories = indexing._Categories()
        combos, words = [], set()
        sizes = ["M6", "M8", "M10", "M12", "10 mm", '1/2"', "XL", "500 g", "2 m", "12 V"]
        for code, nouns in NOUNS.items():
            for noun, noun_zh in nouns:
                for material, material_zh in MATERIALS:
                    for adjective in ADJECTIVES:
                        for size_label in sizes:
                            name = f"{adjective} {material} {noun} {size_label}"
                            name_zh = f"{material_zh}{noun_zh} {size_label}" \
                                if rng.random() < 0.7 else None
                            attributes = {"Material": material, "Size": size_label,
                                          "Finish": rng.choice(FINISHES),
                                          "Standard": rng.choice(STANDARDS)}
                            combos.append({
                                "n": len(combos), "name": name, "name_zh": name_zh,
                                "category_id": categories_by_code[code],
                                "attributes": json.dumps(attributes),
                                "vector": pg.vector_text([
                                    ("A", name), ("A", name_zh),
                                    ("B", indexing._attributes_text(attributes)),
                                    ("C", categories.words([categories_by_code[code]]))])})
                            words |= pg.spelling_words(name, name_zh)
        descriptions = []
        for number in range(300):
            material, material_zh = rng.choice(MATERIALS)
            pack, lead = rng.choice([50, 100, 500, 1000]), rng.choice([15, 20, 30, 45])
            text = " ".join(s.format(material=material, pack=pack, lead=lead)
                            for s in rng.sample(SENTENCES, 3))
            text_zh = "".join(s.format(material=material_zh, pack=pack)
                              for s in rng.sample(SENTENCES_ZH, 2)) if number % 2 else None
            descriptions.append({"n": number, "description": text, "description_zh": text_zh,
                                 "moq": pack,
                                 "vector": pg.vector_text([("D", text), ("D", text_zh)])})
        conn = db.session.connection()
        conn.execute(db.text("DROP TABLE IF EXISTS bench_combos, bench_descriptions"))
        conn.execute(db.text("CREATE TABLE bench_combos (n int PRIMARY KEY, name text, "
                             "name_zh text, category_id int, attributes text, vector tsvector)"))
        conn.execute(db.text("CREATE TABLE bench_descriptions (n int PRIMARY KEY, "
                             "description text, description_zh text, moq int, "
                             "vector tsvector)"))
        conn.execute(db.text("INSERT INTO bench_combos VALUES (:n, :name, :name_zh, "
                             ":category_id, :attributes, CAST(:vector AS tsvector))"), combos)
        conn.execute(db.text("INSERT INTO bench_descriptions VALUES (:n, :description, "
                             ":description_zh, :moq, CAST(:vector AS tsvector))"),
                     descriptions)
        params = {"size": size, "combos": len(combos), "suppliers": supplier_ids}
        # hashes of g pick the combination, description, supplier, status and price
        conn.execute(db.text("""
            INSERT INTO products (id, sku, name, name_zh, description, description_zh,
                category_id, unit, moq, currency, attributes, status, published_at,
                company_id, created_at, updated_at, version)
            SELECT g, 'SKU-' || lpad(g::text, 7, '0'), c.name, c.name_zh, d.description,
                d.description_zh, c.category_id, 'pcs', d.moq, 'USD', c.attributes::json,
                CASE WHEN g % 20 = 0 THEN 'draft' WHEN g % 20 = 1 THEN 'archived'
                     ELSE 'published' END,
                CASE WHEN g % 20 > 1 THEN now() END,
                (CAST(:suppliers AS int[]))[1 + (g::bigint * 7919) % 40], now(), now(), 1
            FROM generate_series(1, :size) g
            JOIN bench_combos c ON c.n = (g::bigint * 2654435761) % :combos
            JOIN bench_descriptions d ON d.n = (g::bigint * 40503) % 300"""), params)
        conn.execute(db.text("""
            INSERT INTO price_tiers (product_id, min_qty, unit_price)
            SELECT id, moq, (100 + (id::bigint * 104729) % 5000000) / 10000.0 FROM products"""))
        conn.execute(db.text("SELECT setval('products_id_seq', :size)"), params)
        conn.execute(update(Company).where(Company.id == supplier_ids[-1])
                     .values(status=CompanyStatus.SUSPENDED))
        commit()
        visible = db.session.scalar(select(db.func.count(Product.id))
                                    .where(Product.publicly_visible()))
        published = db.session.scalar(select(db.func.count(Product.id))
                                      .where(Product.status == ProductStatus.PUBLISHED))
        generated = time.perf_counter() - started
        started = time.perf_counter()
        conn = db.session.connection()
        conn.execute(db.text("""
            INSERT INTO search_products (product_id, company_id, category_id, sku_key,
                currency, price, published, vector)
            SELECT p.id, p.company_id, p.category_id, lower(p.sku), p.currency,
                (SELECT min(t.unit_price) * 10000 FROM price_tiers t WHERE t.product_id = p.id),
                extract(epoch FROM p.published_at)::bigint, c.vector || d.vector
            FROM products p
            JOIN companies co ON co.id = p.company_id AND co.status = 'active'
            JOIN bench_combos c ON c.n = (p.id::bigint * 2654435761) % :combos
            JOIN bench_descriptions d ON d.n = (p.id::bigint * 40503) % 300
            WHERE p.status = 'published'"""), params)
        conn.execute(insert(SearchWordTable()), [{"kind": "products", "word": w}
                                                 for w in sorted(words)])
        commit()
        indexing.rebuild("companies")
    with app.app_context(), db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as conn:
        conn.execute(db.text("VACUUM ANALYZE"))
    return {"products": size, "published": published, "visible": visible,
            "generated_s": generated, "rows_s": time.perf_counter() - started}


def SearchWordTable():  # noqa: N802 - the model, imported late
    from marketplace.content.search.tables import SearchWord

    return SearchWord


def bench_postgres(size: int, repeat: int, keep: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder, keep=keep)
        with app.app_context():
            assert indexing.backend_name() == "postgres"
            kept = db.session.scalar(select(db.func.count(Product.id))) if keep else 0
        started = time.perf_counter()
        if kept:  # --keep: the catalog of the last run, queries only
            print(f"\n== {kept:,} products (kept from the last run) ==")
            rows, elapsed = 0, 0.0
        elif size > 100_000:  # bulk SQL: the row-by-row generator takes an hour at 1M
            counts = generate_sql(app, size)
            rows, elapsed = counts["visible"], counts["rows_s"]
            print(f"\n== {size:,} products ({counts['published']:,} published, "
                  f"{counts['visible']:,} visible; generated in bulk SQL in "
                  f"{counts['generated_s']:.0f} s) ==")
        else:
            counts = generate(app, size)
            print(f"\n== {size:,} products ({counts['published']:,} published, "
                  f"{counts['visible']:,} visible; generated in "
                  f"{time.perf_counter() - started:.0f} s) ==")
            rows, elapsed = load_search_rows(app)
        with app.app_context():
            written = db.session.scalar(db.text("SELECT count(*) FROM search_products"))
            assert rows in (written, 0), (rows, written)
            table_mb = db.session.scalar(db.text(
                "SELECT pg_total_relation_size('search_products')")) / 2**20
        if rows:
            print(f"search rows: {rows:,} in {elapsed:.0f} s = {rows / elapsed:,.0f} rows/s "
                  f"(table and indexes {table_mb:,.0f} MiB)")
        else:
            print(f"search rows: {written:,} (table and indexes {table_mb:,.0f} MiB)")

        client = app.test_client()
        print(f"{'query':<30} {'hits':>7}  {'API p50':>8} {'p95':>7}   {'raw SQL p50':>11} "
              f"{'p95':>7}   {'p95 API/raw':>11}")
        for label, query in QUERIES:
            def through_api(query=query):
                response = client.get("/api/v1/search/products", query_string=query)
                assert response.status_code == 200, response.get_data(as_text=True)
                return response

            sql, params = raw_sql(query)
            body = through_api().get_json()
            # The API looks for a spelling suggestion when fewer than 3 products have all
            # the words: then so does the raw baseline, with the suggestion's raw SQL.
            suggests = bool(query.get("q")) and (body["total"] < FEW_HITS
                                                 or body["suggestion"] is not None)

            def raw(sql=sql, params=params, query=query, suggests=suggests):
                with app.app_context():
                    rows = db.session.execute(sql, params).all()
                    return rows, raw_suggestion(query["q"])[1] if suggests else None

            if suggests:
                raw_suggested = raw()[1]
                assert raw_suggested == body["suggestion"], (label, raw_suggested, body)
            hits = f"{body['total']:,}" + ("+" if body.get("total_capped") else "")
            api_times, raw_times = timed_pair(through_api, raw, repeat)
            api50, api95 = p50_p95(api_times)
            raw50, raw95 = p50_p95(raw_times)
            print(f"{label:<30} {hits:>7}  {api50:7.1f}ms {api95:6.1f}ms   {raw50:10.1f}ms "
                  f"{raw95:6.1f}ms   {api95 / raw95:10.2f}x"
                  + (f"  suggestion: {body['suggestion']} (raw: + its lookup)" if suggests
                     else ""))

        bench_distinct(app, client)
        bench_update(app, repeat)
        with app.app_context():
            db.engine.dispose()
        memory = search_node_memory(os.environ["DATABASE_URL"], folder)
        print(f"search node, 8 concurrent clients for 20 s: {memory['requests']:,} searches, "
              f"peak RSS {memory['peak_mb']:.0f} MB (at start {memory['start_mb']:.0f} MB)")


def distinct_queries(count: int, seed: int = 11) -> list[str]:
    """``count`` different queries from the catalog's words (a material and a product,
    "brass hex bolt"), as many users type them."""
    import itertools

    materials = [english for english, _ in MATERIALS]
    nouns = [english for names in NOUNS.values() for english, _ in names]
    pairs = list(itertools.product(materials, nouns))
    random.Random(seed).shuffle(pairs)
    return [f"{material} {noun}" for material, noun in pairs[:count]]


def bench_distinct(app, client, count: int = 40) -> None:
    """Queries asked once each, the API beside the raw SQL of the same words (asked once
    too): the figures above repeat one query, which a search engine's caches (compiled
    statements, server-side prepared plans) serve better than users' own words. Narrowed
    as ``steel, TW, price`` is (a few hundred hits), so what a query costs beyond its
    hits shows."""
    api_times, raw_times = [], []
    for text in distinct_queries(count):
        query = {"q": text, "country": "TW", "min_price": "0.5", "max_price": "5"}
        sql, params = raw_sql(query)
        begun = time.perf_counter()
        response = client.get("/api/v1/search/products", query_string=query)
        api_times.append(time.perf_counter() - begun)
        assert response.status_code == 200, response.get_data(as_text=True)
        with app.app_context():
            begun = time.perf_counter()
            db.session.execute(sql, params).all()
            raw_times.append(time.perf_counter() - begun)
    api50, api95 = p50_p95(api_times)
    raw50, raw95 = p50_p95(raw_times)
    print(f"{count} different queries (a material and a product; TW, price 0.5-5), each once: "
          f"API p50 "
          f"{api50:.1f} ms p95 {api95:.1f} ms; raw SQL p50 {raw50:.1f} ms p95 {raw95:.1f} ms; "
          f"p95 API/raw {api95 / raw95:.2f}x")


def bench_update(app, repeat: int) -> None:
    """A product renamed through the operation, committed (its search row with it),
    and looked for by its new name right after: p50/p95 of the update, found or not."""
    from marketplace.content.operations.products import save_product
    from marketplace.content.search import search_products

    with app.app_context():
        ids = list(db.session.scalars(select(Product.id).where(Product.publicly_visible())
                                      .order_by(Product.id.desc()).limit(repeat + 1)))
    timings, write_timings, found = [], [], 0
    stamp = f"r{int(time.time()) % 100000}"
    backend_write = type(indexing.PostgresBackend()).write

    def timed_write(self, pending):
        begun = time.perf_counter()
        try:
            return backend_write(self, pending)
        finally:
            write_timings.append(time.perf_counter() - begun)

    indexing.PostgresBackend.write = timed_write
    try:
        for number, ident in enumerate(ids):
            with app.test_request_context():
                product = db.session.get(Product, ident)
                company = db.session.get(Company, product.company_id)
                begun = time.perf_counter()
                # A new name each run (--keep runs again on the same products).
                save_product(company, {"name": f"Quokka-{number} bench bolt {stamp}"}, product)
                commit()
                timings.append(time.perf_counter() - begun)
            with app.test_request_context():
                skus = [h.product.id for h in search_products(f"quokka-{number}").items]
                found += ident in skus
    finally:
        indexing.PostgresBackend.write = backend_write
    p50, p95 = p50_p95(timings[1:])
    w50, w95 = p50_p95(write_timings[1:])
    print(f"single product update (save_product + commit, search row included): p50 {p50:.1f} "
          f"ms p95 {p95:.1f} ms; of which the search row p50 {w50:.1f} ms p95 {w95:.1f} ms; "
          f"found by the next search: {found}/{len(ids)}")


def search_node_memory(url: str, folder: str, clients: int = 8, seconds: int = 20) -> dict:
    """Run a search node in a process of its own (the app, no data loading) with
    ``clients`` threads searching at once; its RSS at start and at its peak."""
    import json
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--memory-node", str(clients),
                          str(seconds)], env={**os.environ, "DATABASE_URL": url,
                                              "BENCH_FOLDER": folder},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def memory_node(clients: int, seconds: int) -> None:
    import json
    import threading

    def rss_mb(field: str = "VmRSS") -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return 0.0

    folder = os.environ["BENCH_FOLDER"]
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"],
                                     "RATELIMIT_ENABLED": False,
                                     "SEARCH_INDEX_DIR": f"{folder}/search"},
                     instance_path=folder)
    client = app.test_client()
    client.get("/api/v1/search/products", query_string={"q": "bolt"})
    start = rss_mb()
    done = time.monotonic() + seconds
    count = [0] * clients

    def work(number: int) -> None:
        local = app.test_client()
        while time.monotonic() < done:
            _, query = QUERIES[(count[number] + number) % len(QUERIES)]
            assert local.get("/api/v1/search/products", query_string=query).status_code == 200
            count[number] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # This process's own high-water mark: ``ru_maxrss`` keeps the parent's resident size
    # at the fork across the exec (Linux), so after a generation or reindex in the bench
    # process it read 353 MB for a node whose own peak was 195.
    peak = rss_mb("VmHWM")
    print(json.dumps({"start_mb": start, "peak_mb": peak, "requests": sum(count)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated catalog sizes (default 10000,100000)")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 products")
    parser.add_argument("--repeat", type=int, default=30, help="runs of each query")
    parser.add_argument("--keep", action="store_true",
                        help="PostgreSQL: query the catalog the last run left (no generation)")
    parser.add_argument("--folder", help="SQLite: keep the database and index in this folder "
                        "(with --keep: query what a run left there)")
    parser.add_argument("--memory-node", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_node:
        memory_node(*args.memory_node)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million:
        sizes.append(1_000_000)
    database = (os.environ.get("DATABASE_URL") or "sqlite").split(":")[0]
    print(f"database: {database}; {args.repeat} runs per query; in-process WSGI client")
    for size in sizes:
        if database.startswith("postgres"):
            bench_postgres(size, args.repeat, keep=args.keep)
        else:
            bench_size(size, args.repeat, args.folder, args.keep)


if __name__ == "__main__":
    main()
