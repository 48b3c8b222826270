# A first program for any board boardkit supports (MicroPython 1.9+: no f-strings).
import sys


def primes(limit):
    found = []
    for n in range(2, limit):
        if all(n % p for p in found if p * p <= n):
            found.append(n)
    return found


print("Hello from", sys.implementation.name, "on", sys.platform)
print("primes below 50:", primes(50))
squares = [n * n for n in range(10)]
print("sum of the first ten squares:", sum(squares))
