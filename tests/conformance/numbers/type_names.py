# requires: type_name float
for v in (1, 1.5, "s", [1], (1,), {}, None, True):
    print(type(v).__name__)
