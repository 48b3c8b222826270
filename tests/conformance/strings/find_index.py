s = "hello world, hello"
print(s.find("hello"), s.find("hello", 1), s.find("xyz"), s.rfind("hello"))
print(s.index("world"), s.rindex("o"), s.find("o", 5, 8))
try:
    s.index("nope")
except ValueError:
    print("ValueError")
