# requires: format_thousands
print("{:,}".format(1234567), "{:,}".format(999), "{:,}".format(-1000))
