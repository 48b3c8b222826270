s = "MiXeD CaSe 123"
print(s.upper())
print(s.lower())
print("abc".upper() == "ABC", "A1b_".lower(), "x-Y".upper())
