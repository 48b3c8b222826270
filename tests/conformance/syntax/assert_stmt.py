assert True
assert 1 == 1, "fine"
try:
    assert 1 == 2
except AssertionError:
    print("AssertionError")
try:
    assert False, "msg"
except AssertionError as e:
    print("with message", e.args[0])
