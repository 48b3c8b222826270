class O:
    pass
o = O()
setattr(o, "x", 5)
print(getattr(o, "x"), hasattr(o, "x"), hasattr(o, "y"), getattr(o, "y", "dflt"))
try:
    getattr(o, "z")
except AttributeError:
    print("AttributeError")
