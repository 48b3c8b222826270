# requires: type_name
for fn in (lambda: [][0], lambda: {}[0], lambda: None + 1):
    try:
        fn()
    except Exception as e:
        print(type(e).__name__)
