"""The demo catalog that ``flask seed-demo`` loads for the two demo suppliers: profiles,
products with price tiers, specifications and a picture each, and a bulletin — made
through the module's own operations, so the demo is what a supplier would have built."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image, ImageDraw

from marketplace.content.operations import bulletins, products, profiles
from marketplace.core.types import utcnow
from marketplace.infrastructure.models import Company

# sku, name, name_zh, category, unit, moq, [(min_qty, unit_price)], attributes, colour
FASTENERS = [
    ("HB-M8-30", "Stainless steel hex bolt M8×30, DIN 933", "不鏽鋼六角螺栓 M8×30", "pcs",
     "5000", [("5000", "0.085"), ("20000", "0.072"), ("100000", "0.064")],
     {"material": "A2-70 stainless steel", "standard": "DIN 933", "finish": "plain"},
     "#8a9aa8"),
    ("HB-M10-40", "Stainless steel hex bolt M10×40, DIN 933", "不鏽鋼六角螺栓 M10×40", "pcs",
     "3000", [("3000", "0.16"), ("20000", "0.138")],
     {"material": "A2-70 stainless steel", "standard": "DIN 933"}, "#7d8e9c"),
    ("HN-M8", "Hex nut M8, zinc plated, DIN 934", "鍍鋅六角螺帽 M8", "pcs", "10000",
     [("10000", "0.012"), ("100000", "0.0098")],
     {"material": "carbon steel grade 8", "finish": "zinc plated"}, "#b9b27a"),
    ("FW-M8", "Flat washer M8, stainless steel, DIN 125", "不鏽鋼平華司 M8", "pcs", "10000",
     [("10000", "0.006"), ("100000", "0.0049")], {"material": "A2 stainless steel"}, "#a0acb5"),
    ("WS-4.2-32", "Self-drilling wood screw 4.2×32", "自攻木螺絲 4.2×32", "pcs", "20000",
     [("20000", "0.009"), ("200000", "0.0074")],
     {"drive": "PH2", "coating": "yellow zinc"}, "#c9a548"),
    ("AB-M12-120", "Wedge anchor bolt M12×120", "膨脹螺栓 M12×120", "pcs", "1000",
     [("1000", "0.42"), ("10000", "0.36")], {"material": "zinc plated steel"}, "#9c9c9c"),
]
TEXTILES = [
    ("TW-700-WH", "Turkish cotton bath towel 70×140, 600 gsm", "土耳其棉浴巾 70×140", "pcs", "500",
     [("500", "6.40"), ("2000", "5.85")], {"material": "100% Aegean cotton", "weight": "600 gsm"},
     "#f3efe6"),
    ("TW-500-GR", "Hand towel 50×90, grey, 550 gsm", "灰色毛巾 50×90", "pcs", "1000",
     [("1000", "2.90"), ("5000", "2.55")], {"material": "100% cotton", "colour": "grey"},
     "#9aa0a6"),
    ("PS-WAFFLE", "Waffle peshtemal beach towel 90×180", "華夫格土耳其沙灘巾 90×180", "pcs",
     "300", [("300", "7.80"), ("1500", "7.10")], {"material": "cotton", "weave": "waffle"},
     "#6fa8c7"),
    ("BL-LIN-220", "Stonewashed linen bed sheet 220×240", "水洗亞麻床單 220×240", "pcs", "200",
     [("200", "24.50"), ("1000", "22.00")], {"material": "100% linen"}, "#d8cbb5"),
]
PROFILES = {
    "TW": {"description_en": "Taiwan Precision Fasteners makes bolts, nuts, washers and "
                             "anchors in Kaohsiung since 1987, for DIY chains and "
                             "industrial distributors in 40 countries.",
           "description_zh": "臺灣精密扣件自 1987 年起於高雄生產螺栓、螺帽、墊圈與膨脹螺栓，"
                             "供應 40 個國家的居家修繕通路與工業經銷商。",
           "year_founded": 1987, "employees": "201-500", "main_markets": ["US", "DE", "JP"],
           "contact_name": "林美玲", "contact_email": "lin@tpf.example.com"},
    "TR": {"description_en": "Anatolia Home Textiles weaves towels, peshtemals and linen in "
                             "Denizli from Aegean cotton, for hotel groups and retailers.",
           "year_founded": 2004, "employees": "51-200", "main_markets": ["DE", "GB", "US"],
           "contact_name": "Murat Kaya", "contact_email": "murat@anatolia.example.com"},
}
# sku → (HS code, net kg a unit, units a carton, carton L×W×H cm, full carton kg): what
# the shipping papers need (customs data, the packing list's cartons and weights).
PACKAGING = {
    "HB-M8-30": ("7318.15", "0.0148", 1000, ("39", "26", "18"), "15.6"),
    "HB-M10-40": ("7318.15", "0.031", 500, ("39", "26", "18"), "16.3"),
    "HN-M8": ("7318.16", "0.005", 2500, ("32", "24", "16"), "13.2"),
    "FW-M8": ("7318.22", "0.0018", 5000, ("32", "24", "12"), "9.6"),
    "WS-4.2-32": ("7318.14", "0.0032", 4000, ("32", "24", "16"), "13.5"),
    "AB-M12-120": ("7318.15", "0.118", 100, ("39", "26", "18"), "12.4"),
    "TW-700-WH": ("6302.60", "0.59", 20, ("60", "40", "40"), "12.6"),
    "TW-500-GR": ("6302.60", "0.25", 50, ("60", "40", "40"), "13.4"),
    "PS-WAFFLE": ("6302.60", "0.42", 30, ("60", "40", "40"), "13.5"),
    "BL-LIN-220": ("6302.39", "1.1", 10, ("60", "40", "35"), "11.8"),
}
ORIGIN = {"TW": "TW", "TR": "TR"}
CATEGORY = {"TW": "hardware.fasteners", "TR": "apparel.fabrics"}
PORT = {"TW": "Kaohsiung", "TR": "Izmir"}
BULLETIN = {
    "TW": ("New: M12 wedge anchors in stock for Q1 shipment",
           "Wedge anchor bolts M12×120, zinc plated, ready to ship from Kaohsiung in 15 days."),
    "TR": ("Spring collection: waffle peshtemals in six colours",
           "Our waffle beach towels come in six new colours; samples on request."),
}


def picture(colour: str, label: str) -> bytes:
    """A plain product picture: the colour of the goods with their SKU written on it."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 600, 440), outline="#ffffff", width=6)
    draw.text((60, 60), label, fill="#1f2933")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _product_line(company: Company, sku: str) -> str:
    if company.country == "TW":
        return "Anchors & screws" if sku[:2] in ("AB", "WS") else "Bolts, nuts & washers"
    return "Bed linen" if sku.startswith("BL") else "Towels"


def load_demo_catalog(company: Company) -> int:
    """The demo supplier's profile, products and bulletin; returns the products made."""
    rows = FASTENERS if company.country == "TW" else TEXTILES
    profiles.update_profile(company, PROFILES[company.country])
    made = []
    for sku, name, name_zh, unit, moq, tiers, attributes, colour in rows:
        hs_code, net, per_carton, (length, width, height), gross = PACKAGING[sku]
        product = products.save_product(company, {
            "hs_code": hs_code, "origin_country": ORIGIN[company.country],
            "net_weight_kg": net, "units_per_carton": per_carton,
            "carton_length_cm": length, "carton_width_cm": width, "carton_height_cm": height,
            "carton_gross_weight_kg": gross,
            "sku": sku, "name": name, "name_zh": name_zh, "unit": unit, "moq": moq,
            "category": CATEGORY[company.country], "currency": "USD",
            "product_line": _product_line(company, sku),
            "price_tiers": [{"min_qty": q, "unit_price": p} for q, p in tiers],
            "attributes": attributes, "lead_time_days": 30, "port": PORT[company.country],
            "status": "published"})
        products.upload_product_media(product, io.BytesIO(picture(colour, sku)), f"{sku}.jpg")
        made.append(product)
    title, body = BULLETIN[company.country]
    bulletins.post_bulletin(company, {"kind": "product_news", "title": title, "body": body,
                                      "category": CATEGORY[company.country],
                                      "expires_at": utcnow() + timedelta(days=90)})
    return len(made)
