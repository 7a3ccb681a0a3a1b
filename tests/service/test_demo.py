"""The demo (``flask seed-demo``): a complaint run to closure with its figures, two
departments at Taiwan Precision Fasteners, and an inquiry routed to one's shared box."""

from marketplace.cli import DEMO_PASSWORD


def test_the_demo_has_a_closed_complaint_and_a_department_box(app, api, demo):
    assert demo.exit_code == 0, demo.output
    lin = api.token("lin@tpf.example.com", DEMO_PASSWORD)
    james = api.token("james@northwind.example.com", DEMO_PASSWORD)
    [case] = api.get("/service-cases?status=closed", james).get_json()["items"]
    assert (case["type"], case["rating"], case["solved_at_first_answer"]) == (
        "complaint", 5, True)
    figures = api.get("/service-figures", lin).get_json()
    assert figures["first_response_hours_median"] == 3.0
    assert figures["resolution_hours_median"] == 26.0 and figures["satisfaction"] == 5.0
    departments = {d["name"]: d for d in api.get("/departments", lin).get_json()}
    assert set(departments) == {"Sales Americas 美洲業務部", "Customer Care 客戶服務"}
    care = departments["Customer Care 客戶服務"]
    box = api.get(f"/service-cases?department_id={care['id']}", lin).get_json()
    assert [c["id"] for c in box["items"]] == [case["id"]]
    client = app.test_client()
    from tests.factories import portal_login

    portal_login(client, "lin@tpf.example.com", DEMO_PASSWORD)
    page = client.get(departments["Sales Americas 美洲業務部"]["box_url"])
    assert page.status_code == 200
    assert "Deck screws for the spring catalogue" in page.get_data(as_text=True)
