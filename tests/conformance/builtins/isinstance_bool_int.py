# requires: bool_is_int
print(isinstance(True, int), isinstance(False, (str, int)))
