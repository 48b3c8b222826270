x = "outer"
out = [x for x in range(3)]
print(x, out)
y = 10
print([y + i for i in range(3)])
def f():
    k = 5
    return [k * i for i in range(3)]
print(f())
