# boardkit's runner for unittest-style tests, sent after the test's own code.
# It runs the TestCase classes the test defined with the target's own unittest module
# (CPython's, or micropython-lib's on MicroPython) and prints one line per finding,
# each starting with "@bk-unittest", which boardkit reads back. No f-strings: it runs
# on any MicroPython that has unittest.


def _bk_unittest_name(test):
    if isinstance(test, tuple):  # micropython-lib: (method name, class)
        return test[1].__name__ + "." + str(test[0])
    return type(test).__name__ + "." + str(getattr(test, "_testMethodName", test))


def _bk_unittest(g):
    import sys
    import unittest

    classes = []
    for key in sorted(g):
        value = g[key]
        if isinstance(value, type) and issubclass(value, unittest.TestCase) and value is not unittest.TestCase:
            classes.append(value)
    suite = unittest.TestSuite()
    if hasattr(unittest, "TestLoader"):  # CPython
        loader = unittest.TestLoader()
        for cls in classes:
            suite.addTests(loader.loadTestsFromTestCase(cls))
        result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    else:  # micropython-lib
        for cls in classes:
            suite.addTest(cls)
        result = unittest.TestRunner().run(suite)
    print("@bk-unittest ran " + str(result.testsRun))
    for kind, found in (("fail", result.failures), ("error", result.errors)):
        for test, text in found:
            print("@bk-unittest " + kind + " " + _bk_unittest_name(test))
            for line in str(text).rstrip().split("\n"):
                print("@bk| " + line)
    for test, reason in getattr(result, "skipped", []):
        print("@bk-unittest skip " + _bk_unittest_name(test) + " " + str(reason))
    print("@bk-unittest end")
