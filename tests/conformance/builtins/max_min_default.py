# requires: minmax_default
print(max([], default="none"), min([], default=0), max([1], default=5))
