# requires: fstring
name = "world"
n = 3
print(f"hello {name}")
print(f"{n} + {n} = {n + n}")
print(f"{'quoted'} {name.upper()} {len(name)}")
print(f"no fields")
