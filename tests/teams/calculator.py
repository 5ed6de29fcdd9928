"""The AutoGen Studio gallery's calculator, as an importable function (agentparts never
runs a tool saved as source code: a config points at a function like this one instead)."""


def calculator(a: float, b: float, operator: str) -> str:
    """A simple calculator that performs basic arithmetic operations."""
    if operator == "+":
        return str(a + b)
    if operator == "-":
        return str(a - b)
    if operator == "*":
        return str(a * b)
    if operator == "/":
        return "Error: Division by zero" if b == 0 else str(a / b)
    return "Error: Invalid operator. Please use +, -, *, or /"
