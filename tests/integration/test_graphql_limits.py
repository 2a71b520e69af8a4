import json
from tests.conftest import graphql, register_tenant

DEEP = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }"

async def test_probe(client):
    t = await register_tenant(client)
    for q in [DEEP, "{" + " ".join(f"a{i}: me {{ userId }}" for i in range(50)) + "}",
              "{ me { " + " ".join(["userId"] * 2100) + " } }", "{ nope }"]:
        r = await client.post("/graphql", json={"query": q}, headers=t.headers)
        print(r.status_code, r.text[:600])
    r = await client.post("/graphql", json={"query": "{ me { userId } }"})
    print(r.status_code, r.text[:600])
    r = await client.post("/graphql", json={"query": "{ leads(limit: 201) { totalCount } }"}, headers=t.headers)
    print(r.status_code, r.text[:600])
    assert 0
