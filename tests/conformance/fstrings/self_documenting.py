# requires: fstring fstring_eq
x = 10
print(f"{x=}")
print(f"{x * 2=}")
