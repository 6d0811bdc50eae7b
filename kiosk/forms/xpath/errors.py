"""The one error an expression can raise: at compile time, never while evaluating answers."""


class ExpressionError(ValueError):
    """A problem in an expression's text: bad syntax, unknown function, wrong arguments."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at character {self.position + 1})"
