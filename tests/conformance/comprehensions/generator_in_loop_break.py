def gen():
    for i in range(100):
        yield i
total = 0
for v in gen():
    if v > 4:
        break
    total += v
print(total)
g = gen()
for v in g:
    if v == 2:
        break
print(next(g))
