import unittest


class Arithmetic(unittest.TestCase):
    def test_add(self):
        self.assertEqual(2 + 2, 4)

    def test_raises(self):
        with self.assertRaises(ZeroDivisionError):
            1 // 0

    @unittest.skip("shows a skipped test")
    def test_skipped(self):
        self.fail("never runs")


if __name__ == "__main__":
    unittest.main()
