"""Read-your-writes on a cluster (docs/scale-out.md): every statement of a process shares one chain of bookmarks,
so a read after a write waits, on whichever member serves it, until that write is there. A transaction's commit
(a grade decision, a review) must therefore leave its bookmark where the reads after it find it, as an auto-commit
write does; and a read session must carry the chain."""

from graph.db import Graph


async def bookmarks(db: Graph) -> frozenset[str]:
    return frozenset(await db.driver.execute_query_bookmark_manager.get_bookmarks())


async def test_a_transactions_commit_is_a_bookmark_the_reads_after_it_wait_for(db: Graph):
    before = await bookmarks(db)
    await db.transaction(lambda tx: tx.run("testing/create_enterprise_node", id="BM-1"))
    after_transaction = await bookmarks(db)
    assert after_transaction and after_transaction != before

    await db.write_schema("testing/create_enterprise_node", id="BM-2")
    after_write = await bookmarks(db)
    assert after_write != after_transaction  # the auto-commit write's bookmark replaced it: one chain
    assert [r["id"] for r in await db.read("testing/all_enterprise_ids")] == ["BM-1", "BM-2"]
    assert await bookmarks(db) == after_write  # a read adds no bookmark of its own
