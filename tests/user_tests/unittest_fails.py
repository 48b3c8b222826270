import unittest


class Strings(unittest.TestCase):
    def test_upper(self):
        self.assertEqual("abc".upper(), "ABC")

    def test_split(self):
        parts = "a,b,c".split(",")
        # the next line fails: three parts, not two
        self.assertEqual(len(parts), 2)


if __name__ == "__main__":
    unittest.main()
