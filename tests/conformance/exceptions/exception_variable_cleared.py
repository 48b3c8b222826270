try:
    raise ValueError
except ValueError as err:
    pass
try:
    err
    print("still bound")
except NameError:
    print("NameError")
