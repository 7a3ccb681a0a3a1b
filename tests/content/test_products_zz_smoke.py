from tests.content.conftest import png_bytes, upload, mp4_bytes, pdf_bytes, mp3_bytes
from tests.factories import portal_login, csrf_token

def test_smoke(client, make, make_product, make_product_media, make_category):
    make_category("hardware", "Hardware", "五金")
    make_category("hardware.fasteners", "Fasteners", "扣件", parent="hardware")
    own = make.company_with_admin("Own", roles=("supplier",))
    pid = make_product(own.company_id, name="Bolt", name_zh="螺栓", category="hardware.fasteners", price_tiers=[{"min_qty": 100, "unit_price": "1.5"}, {"min_qty": 1000, "unit_price": "1.2"}], attributes={"Material": "A2"}, moq=100, product_line="Bolts", lead_time_days=30, port="Keelung", hs_code="7318.15")
    make_product_media(pid, png_bytes(), "a.png", "front")
    make_product_media(pid, mp4_bytes(), "a.mp4")
    make_product_media(pid, pdf_bytes(), "spec.pdf")
    make_product_media(pid, mp3_bytes(), "s.mp3")
    d = make_product(own.company_id, status="draft")
    for url in ["/catalog", "/catalog?category=hardware", f"/catalog/suppliers/{own.company_id}", f"/products/{pid}"]:
        r = client.get(url); assert r.status_code == 200, (url, r.data[:3000])
    portal_login(client, own.email)
    for url in ["/my/products", "/my/products/new", f"/my/products/{pid}/edit", f"/products/{d}", f"/products/{pid}/inquiry"]:
        r = client.get(url); assert r.status_code == 200, (url, r.get_data(as_text=True)[-3000:])
    r = client.get(f"/products/{pid}", headers={"Accept-Language": "zh-TW"})
