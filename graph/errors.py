"""Domain errors. The API maps `code` onto GraphQL's extensions.code and onto HTTP statuses."""


class DomainError(Exception):
    code = "INTERNAL_SERVER_ERROR"


class NotFound(DomainError):
    code = "NOT_FOUND"

    def __init__(self, kind: str, ident: str, argument: str | None = None):
        where = f" (argument {argument})" if argument else ""
        super().__init__(f"{kind} {ident!r} not found{where}")
        self.kind = kind
        self.ident = ident
        self.argument = argument


class BadInput(DomainError):
    code = "BAD_USER_INPUT"

    def __init__(self, argument: str, message: str):
        super().__init__(f"{argument}: {message}")
        self.argument = argument


def check_range(argument: str, value: int | float, low: int | float, high: int | float) -> None:
    if not low <= value <= high:
        raise BadInput(argument, f"must be between {low} and {high}, got {value}")


def required(argument: str, value: str | None) -> str:
    """A text a decision must carry (who, why): stripped, and refused when blank."""
    if value is None or not value.strip():
        raise BadInput(argument, "must not be blank")
    return value.strip()
