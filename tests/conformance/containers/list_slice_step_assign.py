# requires: slice_assign slice_step_assign
l = list(range(8))
l[::2] = [0, 0, 0, 0]
print(l)
del l[1::3]
print(l)
try:
    l[::2] = [1]
except ValueError:
    print("ValueError")
