# requires: async
async def answer():
    return 42
c = answer()
try:
    c.send(None)
except StopIteration as e:
    print("result", e.value)
