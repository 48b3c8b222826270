flag = True
if flag:
    def f():
        return "first"
else:
    def f():
        return "second"
print(f())
for n in range(2):
    def g(n=n):
        return n * 10
print(g())
