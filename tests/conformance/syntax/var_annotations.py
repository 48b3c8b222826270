# requires: var_annotations
x: int = 5
y: str = "s"
print(x, y)
def f(a: int, b: "str" = "q") -> str:
    r: str = b * a
    return r
print(f(2))
