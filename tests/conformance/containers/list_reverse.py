l = [1, 2, 3, 4]
l.reverse()
print(l)
print(list(reversed(l)), l)
print(list(reversed("abc")), list(reversed(range(3))))
