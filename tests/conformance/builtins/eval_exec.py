# requires: exec_eval
print(eval("1 + 2 * 3"), eval("[x * 2 for x in range(3)]"))
ns = {}
exec("a = 5\nb = a * 2", ns)
print(ns["a"], ns["b"])
g = {"v": 10}
print(eval("v + 1", g))
exec("def f(x):\n    return x + 100", ns)
print(ns["f"](1))
