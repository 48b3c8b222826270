# requires: async await_dunder
class Yielder:
    def __await__(self):
        v = yield "paused"
        return v
async def task():
    got = await Yielder()
    return "got " + got
c = task()
print(c.send(None))
try:
    c.send("value")
except StopIteration as e:
    print(e.value)
