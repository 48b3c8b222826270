# requires: fstring
a, b = 1, 2
msg = (f"a={a} "
       f"b={b} "
       "plain")
print(msg)
print(f"""triple
{a + b}""")
