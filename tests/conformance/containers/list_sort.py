l = [5, 2, 8, 1, 9]
l.sort()
print(l)
l.sort(reverse=True)
print(l)
words = ["banana", "Fig", "apple", "kiwis", "cherry!"]
print(sorted(words), sorted(words, key=len), sorted(words, key=str.lower))
print(sorted([(2, "b"), (1, "z"), (2, "a")]))
print(sorted([3, 1, 2], reverse=True), sorted("cab"))
