# requires: recursion_20
def down(n):
    return 0 if n == 0 else 1 + down(n - 1)
print(down(20))
def forever(n):
    return forever(n + 1)
try:
    forever(0)
except RuntimeError:
    print("RuntimeError")
