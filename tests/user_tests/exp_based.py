words = "the quick brown fox".split()
print(len(words), words[-1].upper())
