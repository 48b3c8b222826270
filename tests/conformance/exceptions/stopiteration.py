it = iter([1])
print(next(it))
try:
    next(it)
except StopIteration:
    print("StopIteration")
def g():
    yield 1
gen = g()
for x in gen:
    print("got", x)
