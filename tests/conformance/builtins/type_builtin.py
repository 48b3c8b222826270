print(type(1) == int, type("a") == str, type([]) == list, type({}) == dict)
print(type(None) == type(None), type(1) == type(True))
class C:
    pass
print(type(C()) == C)
