print(repr("plain"), repr("it's"), repr('say "hi"'))
print(repr("tab\there"), repr("new\nline"), repr("back\\slash"))
print(repr("\x00\x07"), repr("\x7f"))
