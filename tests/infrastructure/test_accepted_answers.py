"""A 202 answer says what was accepted, in a body the OpenAPI document declares (issue
12, item 10): POST /auth/password-reset answered 202 with the body null."""


def test_password_reset_answers_the_same_body_for_known_and_unknown_addresses(api, make):
    known = api.post("/auth/password-reset", json={"email": make.company_with_admin().email})
    unknown = api.post("/auth/password-reset", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert "reset link" in known.get_json()["detail"]


def test_every_202_in_the_openapi_document_has_a_body_schema(api):
    spec = api.get("/openapi.json").get_json()
    accepted = [(path, method, answer) for path, item in spec["paths"].items()
                for method, operation in item.items() if isinstance(operation, dict)
                for status, answer in operation.get("responses", {}).items()
                if status == "202"]
    assert accepted
    for path, method, answer in accepted:
        assert "content" in answer and answer["content"]["application/json"]["schema"], \
            (method, path)
