grid = [[r * 3 + c for c in range(3)] for r in range(3)]
print(grid)
print(grid[1][2], [row[0] for row in grid])
grid[0][0] = -1
print(grid[0])
bad = [[0] * 2] * 2
bad[0][0] = 1
print(bad)
