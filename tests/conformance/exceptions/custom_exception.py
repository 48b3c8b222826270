class AppError(Exception):
    pass
class NotFound(AppError):
    def __init__(self, what):
        super().__init__("missing " + what)
        self.what = what
try:
    raise NotFound("file")
except AppError as e:
    print(isinstance(e, NotFound), e.what, e.args[0], str(e))
print(issubclass(NotFound, Exception))
