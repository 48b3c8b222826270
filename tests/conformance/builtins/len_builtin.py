print(len("abc"), len([1, 2]), len((1,)), len({"a": 1}), len(range(5)), len(b"xy"))
class L:
    def __len__(self):
        return 7
print(len(L()))
try:
    len(5)
except TypeError:
    print("TypeError")
