# requires: walrus walrus_comp_outer
total = 0
sums = [total := total + v for v in [1, 2, 3]]
print(sums, total)
