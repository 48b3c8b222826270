# requires: unicode unicode_repr
print(repr("caf\u00e9"), ["\u00fc"])
print(repr("\u00e9\n"))
