total = 1 + \
    2 + \
    3
print(total)
items = [
    1,
    2,
    3,
]
print(items)
value = (10
         * 2)
print(value)
d = {
    "k": 1,
}
print(d["k"])
