# requires: fstring
s = "q"
print(f"{s!r} {s!s} {[s]}")
print(f"{s!r:>5}|")
