print(hash(1) == hash(1), hash("abc") == hash("abc"), hash((1, 2)) == hash((1, 2)))
try:
    hash([1])
except TypeError:
    print("TypeError list")
try:
    hash({})
except TypeError:
    print("TypeError dict")
