registry = {}
def register(fn):
    registry[len(registry)] = fn
    return fn
@register
def a():
    return "A"
@register
def b():
    return "B"
print(sorted(registry), registry[1](), a())
