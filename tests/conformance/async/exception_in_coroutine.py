# requires: async
async def fails():
    raise ValueError("bad")
async def main():
    try:
        await fails()
    except ValueError:
        return "handled"
c = main()
try:
    c.send(None)
except StopIteration as e:
    print(e.value)
