def test_health_check_answers_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "search", "storage", "worker"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
