x = "global"
def outer():
    x = "outer"
    def inner():
        return x
    return inner()
print(outer(), x)
def shadow():
    x = "local"
    return x
print(shadow(), x)
