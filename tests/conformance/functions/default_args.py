def greet(name, greeting="hello", punct="!"):
    return greeting + " " + name + punct
print(greet("a"))
print(greet("b", "hi"))
print(greet("c", punct="?"))
print(greet(punct=".", name="d"))
