"""The business category tree the product ships with (operators extend it).
Each entry: code, English name, Chinese name, children as (code, English, Chinese)."""

DEFAULT_CATEGORIES = [
    ("apparel", "Apparel & Textiles", "服裝與紡織品", [
        ("apparel.garments", "Garments", "成衣"),
        ("apparel.fabrics", "Fabrics", "布料"),
        ("apparel.footwear", "Footwear", "鞋類"),
    ]),
    ("electronics", "Electronics", "電子產品", [
        ("electronics.components", "Electronic Components", "電子零件"),
        ("electronics.consumer", "Consumer Electronics", "消費性電子"),
        ("electronics.lighting", "Lighting", "照明"),
    ]),
    ("hardware", "Hardware & Tools", "五金與工具", [
        ("hardware.fasteners", "Fasteners", "扣件"),
        ("hardware.hand_tools", "Hand Tools", "手工具"),
        ("hardware.power_tools", "Power Tools", "電動工具"),
    ]),
    ("machinery", "Machinery", "機械", [
        ("machinery.industrial", "Industrial Machinery", "工業機械"),
        ("machinery.parts", "Machine Parts", "機械零件"),
    ]),
    ("home", "Home & Garden", "居家與園藝", [
        ("home.furniture", "Furniture", "家具"),
        ("home.kitchenware", "Kitchenware", "廚具"),
        ("home.garden", "Garden Supplies", "園藝用品"),
    ]),
    ("food", "Food & Beverage", "食品與飲料", [
        ("food.tea", "Tea", "茶葉"),
        ("food.processed", "Processed Food", "加工食品"),
    ]),
    ("chemicals", "Chemicals & Plastics", "化工與塑膠", [
        ("chemicals.plastics", "Plastics & Resins", "塑膠與樹脂"),
        ("chemicals.industrial", "Industrial Chemicals", "工業化學品"),
    ]),
    ("vehicles", "Vehicles & Parts", "車輛與零件", [
        ("vehicles.bicycles", "Bicycles & Parts", "自行車與零件"),
        ("vehicles.auto_parts", "Auto Parts", "汽車零件"),
    ]),
]
