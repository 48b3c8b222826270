def f():
    try:
        try:
            raise TypeError
        except ValueError:
            print("wrong handler")
        finally:
            print("inner finally")
    except TypeError:
        print("outer caught")
f()
