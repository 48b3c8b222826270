# requires: fstring
words = ["a", "b"]
print(f"{'-'.join(words)} {str(5).zfill(3) if hasattr('', 'zfill') else '005'}")
print(f"{len(words)} items")
