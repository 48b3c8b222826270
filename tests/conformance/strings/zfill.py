# requires: str_zfill
print("42".zfill(5), "-42".zfill(5), "+7".zfill(3), "long".zfill(2))
