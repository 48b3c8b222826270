# requires: exc_chaining
try:
    try:
        {}["k"]
    except KeyError as e:
        raise ValueError("bad") from e
except ValueError as e:
    print(isinstance(e.__cause__, KeyError), isinstance(e.__context__, KeyError))
try:
    raise ValueError from None
except ValueError as e:
    print(e.__cause__ is None, e.__suppress_context__)
