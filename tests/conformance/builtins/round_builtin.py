print(round(7), round(-3))
print(isinstance(round(5), int))
