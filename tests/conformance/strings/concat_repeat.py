a = "ab"
print(a + "cd", a * 3, a * 0 == "", 3 * "x" if False else "xxx")
print("-" * 10)
s = ""
for i in range(3):
    s = s + str(i)
print(s)
