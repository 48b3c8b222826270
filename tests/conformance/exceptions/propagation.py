def a():
    b()
def b():
    c()
def c():
    raise ValueError("deep")
try:
    a()
except ValueError as e:
    print("caught at top:", e.args[0])
