async def test_connected_store_is_listed(server, token, store_id):
    data = await server.execute("{ stores { id name platform { id name } } }", token=token)
    assert data["stores"] == [
        {"id": store_id, "name": "Alice's shop", "platform": {"id": "shopify", "name": "Shopify"}}
    ]
