"""The category tree the operator keeps."""


def test_category_tree_reads_parent_then_children(api, make):
    operator_token = api.token(make.operator())
    tools = api.post("/admin/categories", operator_token,
                     json={"code": "tools", "name": "Tools", "position": 1}).get_json()
    toys = api.post("/admin/categories", operator_token,
                    json={"code": "toys", "name": "Toys", "position": 0}).get_json()
    api.post("/admin/categories", operator_token,
             json={"code": "tools.saws", "name": "Saws", "parent_id": tools["id"]})
    api.post("/admin/categories", operator_token,
             json={"code": "toys.dolls", "name": "Dolls", "parent_id": toys["id"]})
    codes = [c["code"] for c in api.get("/categories").get_json()]
    assert codes == ["toys", "toys.dolls", "tools", "tools.saws"]
    loop = api.patch(f"/admin/categories/{tools['id']}", operator_token,
                     json={"parent_id": tools["id"]})
    assert loop.status_code == 422
