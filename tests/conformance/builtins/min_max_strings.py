print(max("apple", "banana"), min("apple", "banana"))
print(max([1, 5, 3]), min((9, 2, 8)), max("a", "B"))
