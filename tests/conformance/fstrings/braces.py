# requires: fstring
v = 7
print(f"{{literal}} {{{v}}}")
print(f"{{}}")
