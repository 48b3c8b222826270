a = 1; b = 2; print(a + b)
if a: print("one-line if")
for i in range(2): print("loop", i)
while b: b -= 1; print("b", b)
def f(): return 7
print(f())
