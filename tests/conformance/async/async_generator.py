# requires: async async_gen
async def agen(n):
    for i in range(n):
        yield i
async def main():
    return [v async for v in agen(3)]
c = main()
try:
    c.send(None)
except StopIteration as e:
    print(e.value)
