print(divmod(17, 5), divmod(-17, 5), divmod(17, -5))
q, r = divmod(100, 7)
print(q * 7 + r)
try:
    divmod(1, 0)
except ZeroDivisionError:
    print("ZeroDivisionError")
