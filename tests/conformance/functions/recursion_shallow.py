def power(b, e):
    return 1 if e == 0 else b * power(b, e - 1)
print(power(2, 3), power(5, 0), power(3, 2))
def rsum(l):
    return 0 if not l else l[0] + rsum(l[1:])
print(rsum([1, 2, 3]))
