# requires: complex
print(complex(2), complex(1, -1), complex("3+4j") if True else 0)
