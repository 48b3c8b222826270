# requires: complex
a = complex(1, 2)
b = 3 - 1j
print(a + b, a - b, a * b)
print(a.real, a.imag, a == complex(1, 2))
print(abs(3 + 4j), 1j * 1j)
