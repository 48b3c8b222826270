# requires: str_splitlines
print("one\ntwo\r\nthree".splitlines())
print("a\n\nb\n".splitlines(), "".splitlines())
