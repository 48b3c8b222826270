# requires: fstring
name = "board"
print(f"hello {name}!")
