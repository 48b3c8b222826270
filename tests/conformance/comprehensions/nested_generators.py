def pairs(n):
    for i in range(n):
        for j in range(i):
            yield (j, i)
print(list(pairs(4)))
print(sum(1 for _ in pairs(6)))
