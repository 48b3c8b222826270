# requires: ascii unicode
print(ascii("plain"), ascii("caf\u00e9"), ascii(["\u00fc"]))
