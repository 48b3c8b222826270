# requires: async asyncio_run
import asyncio
async def add(a, b):
    await asyncio.sleep(0)
    return a + b
print(asyncio.run(add(2, 3)))
