s = "conformance"
print(s[0], s[-1], s[3], s[-4])
print(s[2:5], s[:4], s[7:], s[-3:], s[:-8])
print(s[5:2], s[100:], s[-100:3], len(s))
try:
    s[20]
except IndexError:
    print("IndexError")
