try:
    x = 1 // 0
    print("not reached")
except ZeroDivisionError:
    print("caught")
print("after")
try:
    print("body ok")
except Exception:
    print("no")
