# requires: str_removeprefix
print("test_name".removeprefix("test_"), "name".removeprefix("x"))
print("file.py".removesuffix(".py"), "file".removesuffix(".py"))
