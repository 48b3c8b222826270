# requires: unicode unicode_case
print("stra\u00dfe \u00e9t\u00e9".upper())
print("\u00c9COLE".lower(), "\u00e9".isalpha() if hasattr("", "isalpha") else True)
