# requires: async asyncio_run
import asyncio
log = []
async def worker(name, n):
    for i in range(n):
        log.append("%s%d" % (name, i))
        await asyncio.sleep(0)
    return name * n
async def main():
    return await asyncio.gather(worker("a", 2), worker("b", 3))
print(asyncio.run(main()))
print(sorted(log))
