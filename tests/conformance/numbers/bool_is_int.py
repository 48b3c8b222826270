# requires: bool_is_int
print(isinstance(True, int), isinstance(False, int))
print(issubclass(bool, int), isinstance(1, bool))
