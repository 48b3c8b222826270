# requires: str_expandtabs
print("a\tbc\td".expandtabs(4).replace(" ", "."))
print("\tx".expandtabs(2).replace(" ", "."))
