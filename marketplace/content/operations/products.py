"""Content operations: products and product lines.

CONTRACT (other areas call these; the products/media helper implements them):

    save_product(company: Company, values: dict, product: Product | None = None) -> Product
        Create (product None) or update a product from API-shaped values:
        sku, name, name_zh, description, description_zh, category (id or code),
        product_line (the supplier's own line, by name; created when new), unit, moq,
        currency, price_tiers [{min_qty, unit_price}] (replaces the list), attributes,
        hs_code, lead_time_days, packaging, port, status ("draft"/"published"/
        "archived"). Raises ValidationFailed with per-field errors (unknown category,
        duplicate SKU in the company, negative price, ...). Publishing needs an
        active company (Company.ensure_can_trade). Flushes, audits, and sends
        core.signals.product_changed(product_id=..., company_id=...).

    publish_product(product) / archive_product(product) / delete_product(product)
    attach_media(product, media: MediaFile, caption: str | None = None) -> ProductMedia
    reorder_media(product, product_media_ids: list[int]) -> None
"""
