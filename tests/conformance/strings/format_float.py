# requires: float
print("{:.2f} {:8.3f} {:<8.1f}|".format(3.14159, 2.5, -1.26))
print("{:e}".format(12345.678), "{:.1%}".format(0.256))
print("{:g} {:g}".format(0.0001, 123456789.0))
