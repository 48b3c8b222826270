# requires: async asyncio_run
import asyncio
async def child(q):
    q.append("child start")
    await asyncio.sleep(0)
    q.append("child end")
async def main():
    q = []
    t = asyncio.create_task(child(q))
    q.append("main")
    await t
    return q
print(asyncio.run(main()))
