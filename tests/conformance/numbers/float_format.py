# requires: float
x = 3.14159
print("%.2f %8.3f %-8.1f| %+.1f" % (x, x, x, x))
print("%e" % 1234.5, "%.2e" % 0.000123)
print("%g %g %g" % (0.5, 100000.0, 1e-5))
print("{:.3f} {:>7.2f} {:<7.1f}|".format(x, x, x))
