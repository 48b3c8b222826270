# requires: fstring
d = {"k": 5}
l = [1, 2, 3]
print(f"{d['k']} {l[-1]} {l[1:]}")
print(f"{'yes' if l else 'no'} {sum(l)} {max(l) * 2}")
print(f"{[x * 3 for x in l]}")
