# requires: async
async def inner(x):
    return x * 2
async def outer():
    a = await inner(1)
    b = await inner(a)
    return a + b
def run(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.value
print(run(outer()))
