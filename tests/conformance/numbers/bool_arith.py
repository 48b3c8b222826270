print(True + True, True * 5, False - 1)
print(int(True), int(False), bool(0), bool(-1), bool([]))
print(sum([True, False, True]))
print(True == 1, False == 0, str(True), str(False))
