"""API.md's fulfillment fields, as the OpenAPI document promises them."""


def test_fulfillment_schemas_hold_the_contract_fields(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    def required(name):
        return set(schemas[name].get("required", []))

    assert {"id", "number", "status", "buyer", "supplier", "currency", "lines",
            "documents"} <= required("Order")
    assert {"id", "product_id", "sku", "quantity", "shipped_quantity", "received_quantity",
            "unit_price"} <= required("OrderLine")
    assert {"events"} <= required("Shipment")
    assert {"invoice", "document_id"} <= required("IssuedInvoice")
    assert {"id", "number", "amount", "currency", "due_date", "paid", "balance",
            "aging_bucket"} <= required("Invoice")
    assert {"checkout_url"} <= required("Checkout")
    assert schemas["ShipmentEventArgs"]["properties"]["status"]["enum"] == [
        "packed", "shipped", "in_transit", "arrived", "customs_cleared", "delivered"]
    assert schemas["PaymentArgs"]["properties"]["method"]["enum"] == ["tt", "lc", "card",
                                                                      "other"]
    assert schemas["PaymentArgs"]["properties"]["amount"]["type"] == "string"
