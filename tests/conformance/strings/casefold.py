# requires: str_casefold
print("HeLLo".casefold(), "abc".casefold() == "ABC".casefold())
