x = 1
def f():
    try:
        print(x)
        x = 2
    except NameError as e:
        print("NameError", isinstance(e, NameError))
f()
