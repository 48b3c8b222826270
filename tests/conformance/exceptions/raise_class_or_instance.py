for exc in (ValueError, ValueError("inst")):
    try:
        raise exc
    except ValueError as e:
        print(isinstance(e, ValueError), e.args)
