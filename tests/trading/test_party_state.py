"""Each party's own folder, tags, read/unread and archive, apart from the status."""

from __future__ import annotations

from tests.trading.support import Trade


def test_folders_tags_and_read_are_each_partys_own(make, api):
    trade = Trade.start(make, api)
    sent = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    path = f"/documents/{sent['id']}/party-state"
    state = api.patch(path, trade.supplier_token,
                      json={"folder": "Hamburg", "tags": ["hot", " bolts ", "hot"]})
    assert state.status_code == 200, state.get_json()
    assert state.get_json() == {"folder": "Hamburg", "tags": ["hot", "bolts"], "read": False,
                                "archived": False}
    assert api.get(path, trade.buyer_token).get_json() == {
        "folder": None, "tags": [], "read": False, "archived": False}

    def inbox(**query):
        answer = api.get("/documents", trade.supplier_token, query_string=query).get_json()
        return [d["id"] for d in answer["items"]]

    assert inbox(folder="Hamburg") == [sent["id"]]
    assert inbox(folder="Paris") == []
    assert inbox(tag="hot") == [sent["id"]]
    assert inbox(tag="ho") == []
    assert api.patch(path, trade.supplier_token, json={"read": True}).get_json()["read"]
    assert api.patch(path, trade.supplier_token, json={"read": False}).get_json()["read"] is False
    assert api.patch(path, trade.supplier_token,
                     json={"archived": True}).get_json()["archived"]
    assert inbox(box="archive") == [sent["id"]]
    assert api.patch(path, trade.supplier_token, json={"archived": False}).status_code == 200
    assert inbox() == [sent["id"]]
    for bad in ({"tags": ["x" * 41]}, {"folder": "x" * 61}, {"tags": ["a"] * 21},
                {"colour": "red"}):
        assert api.patch(path, trade.supplier_token, json=bad).status_code == 422, bad
    assert api.get(path, trade.supplier_token).get_json()["tags"] == ["hot", "bolts"]


def test_counts_and_my_documents(make, api):
    trade = Trade.start(make, api)
    colleague = make.member(trade.supplier.company_id, "sales")
    first = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    second = trade.act("buyer", trade.create("buyer", "inquiry"), "send")
    trade.create("buyer", "inquiry")
    trade.act("supplier", second, "forward", to_user_id=colleague.user_id)
    colleague_token = api.token(colleague)
    counts = api.get("/documents/counts", colleague_token).get_json()
    assert counts == {"unread": 2, "unread_assigned_to_me": 1, "drafts": 0,
                      "waiting_for_approval": 0}
    mine = api.get("/documents?box=inbox&mine=true", colleague_token).get_json()
    assert [d["id"] for d in mine["items"]] == [second["id"]] and mine["total"] == 1
    assert api.get("/documents/counts", trade.buyer_token).get_json()["drafts"] == 1
    trade.get("supplier", first)
    assert api.get("/documents/counts", colleague_token).get_json()["unread"] == 1
