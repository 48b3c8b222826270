# requires: async asyncio_run float
import asyncio
async def slow():
    await asyncio.sleep(10)
async def main():
    try:
        await asyncio.wait_for(slow(), 0.01)
    except asyncio.TimeoutError:
        return "timeout"
print(asyncio.run(main()))
