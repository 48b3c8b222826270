# requires: async
class ACM:
    async def __aenter__(self):
        print("aenter")
        return "res"
    async def __aexit__(self, *a):
        print("aexit")
async def main():
    async with ACM() as r:
        print("body", r)
    return "done"
c = main()
try:
    c.send(None)
except StopIteration as e:
    print(e.value)
