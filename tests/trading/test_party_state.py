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
