# requires: delattr
class O:
    pass
o = O()
o.x = 1
delattr(o, "x")
print(hasattr(o, "x"))
try:
    delattr(o, "x")
except AttributeError:
    print("AttributeError")
