# requires: star_display
a = [1, 2]
b = (3, 4)
print([*a, *b])
print((*a, 0))
print([*range(3), *"xy"])
