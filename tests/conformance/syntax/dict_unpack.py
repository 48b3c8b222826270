# requires: dict_unpack
base = {"a": 1, "b": 2}
more = {**base, "b": 3, "c": 4}
print(sorted(more.items()))
print(sorted({**base, **{"a": 0}}.items()))
