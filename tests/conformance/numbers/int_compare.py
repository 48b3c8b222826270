print(3 < 5, 5 <= 5, 5 > 6, 4 >= 4, 3 == 3, 3 != 4)
print(max(3, 9, -1), min(3, 9, -1))
print(sorted([5, -2, 9, 0]))
print(True == 1, False == 0, True + True)
