def add(a: int, b: int = 2) -> int:
    return a + b
print(add(1), add(1, b=5))
def g(*args: int, **kw: str) -> None:
    print(len(args), len(kw))
g(1, 2, z="z")
