# requires: str_isalnum
for s in ("abc123", "abc 123", "", "__"):
    print(repr(s), s.isalnum())
