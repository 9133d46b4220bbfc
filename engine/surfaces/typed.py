"""Landscapes a user types: "x**4 - 3*x**2 + y**2" becomes a Surface with its exact gradient.

The text is never evaluated. Python's own parser (`ast.parse`, which only reads) turns it into a
tree; each node is checked against a whitelist and translated, node by node, into a SymPy
expression: numbers, x and y, + - * / ** (and ^ for a power), unary minus, pi, e, and the functions
in FUNCTIONS. Anything else (an unknown name, an attribute, a call of something not listed, a
string, a lambda, a comparison) is refused in one sentence naming it. SymPy differentiates the
expression, and `lambdify` turns loss and gradient into NumPy functions that take floats or whole
grids alike.

min and max are not left to SymPy: its derivative of Max(a, b, c, ...) is a Piecewise whose size
grows exponentially with the arguments (a max of 20 terms took minutes) and which is NaN where two
arguments tie (the default start of max(x, y)). Each min or max stands in the expression as a symbol
of its own; it is worked out numerically (NumPy's minimum/maximum), and its gradient is that of the
argument it picked (the first, on a tie), carried through the rest by the chain rule.

A typed landscape names x alone (a 1-D curve) or x and y (a 2-D surface).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass

from bumptui.engine.errors import UserError
from bumptui.engine.surfaces.builtin import Surface

MAX_LENGTH = 300
"""Characters: a landscape is a line, not a program."""
MAX_NODES = 200
"""Numbers, names and operations in it: beyond that SymPy's differentiation gets slow."""
MAX_EXPONENT = 1000
"""The largest power of two numbers worked out exactly (9**9**9 would take SymPy minutes)."""
VARIABLES = ("x", "y")
FUNCTIONS = ("exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "min", "max")
CONSTANTS = ("pi", "e")
ALLOWED = "numbers, x, y, + - * / ** (or ^), ( ), pi, e and " + ", ".join(FUNCTIONS)
"""What a landscape may use, as the refusals say it."""

DEFAULT_START = {1: (0.5,), 2: (0.5, 0.5)}
DEFAULT_VIEW = (-3.0, 3.0, -3.0, 3.0)
DEFAULT_LRS = (("gd", 0.05), ("momentum", 0.02), ("nesterov", 0.02), ("rmsprop", 0.05), ("adam", 0.1), ("adamw", 0.1))
"""Steps small enough for the polynomials people type first; each can be changed in the lab."""


class ExpressionError(UserError):
    """A typed landscape the lab cannot use; the message is one sentence that says why."""


OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
NODE_WORDS = {
    ast.Attribute: "attribute access", ast.Lambda: "a lambda", ast.Compare: "a comparison",
    ast.BoolOp: "and/or", ast.Subscript: "indexing", ast.List: "a list", ast.Tuple: "a tuple",
    ast.Dict: "a dict", ast.Set: "a set", ast.IfExp: "if/else", ast.JoinedStr: "an f-string",
    ast.NamedExpr: "an assignment (:=)", ast.Starred: "a star", ast.GeneratorExp: "a generator",
    ast.ListComp: "a comprehension", ast.Await: "await", ast.Yield: "yield",
}


def _refuse(text: str, why: str) -> ExpressionError:
    shown = text if len(text) <= 40 else text[:37] + "..."
    return ExpressionError(f"The landscape {shown!r} {why}.")


@dataclass(frozen=True)
class Parsed:
    """A checked expression: SymPy's form of it and the coordinates it names."""

    text: str
    expr: object
    variables: tuple[str, ...]
    choices: tuple = ()
    """(symbol, "min" or "max", its arguments) for each min or max, inner ones first: each symbol
    stands in `expr` (and in the arguments of the ones after it) for the value it picks."""


def parse(text: str) -> Parsed:
    """The SymPy expression of a typed landscape, or ExpressionError in one sentence."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("The landscape is empty; type an expression in x (and y), such as x**2 + 10*y**2.")
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise _refuse(text, f"is {len(text)} characters long; a landscape is at most {MAX_LENGTH}")
    try:
        # ^ is a power, as people write it (Python's ^ would bind looser than +: x^2 + y would be x^(2 + y))
        tree = ast.parse(text.replace("^", "**"), mode="eval")  # reads only: nothing in the text is run
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise _refuse(text, "is not an expression the lab can read (write 2*x for a product, x**2 or x^2 "
                      "for a power)") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise _refuse(text, f"has {nodes} parts; a landscape has at most {MAX_NODES}")
    import sympy

    symbols = {v: sympy.Symbol(v, real=True) for v in VARIABLES}
    choices: list = []
    try:
        expr = _translate(tree.body, text, symbols, sympy, choices)
    except RecursionError:
        raise _refuse(text, "is nested too deeply") from None
    free = expr.free_symbols.union(*(a.free_symbols for _, _, args in choices for a in args))
    named = tuple(v for v in VARIABLES if symbols[v] in free)
    if not named:
        raise _refuse(text, "names neither x nor y, so it is flat: there is nothing to descend")
    if named == ("y",):
        raise _refuse(text, "names y but not x; a 1-D landscape is written in x")
    return Parsed(text, expr, ("x", "y") if "y" in named else ("x",), tuple(choices))


def _translate(node, text, symbols, sympy, choices):
    """One checked node of the tree as SymPy, or ExpressionError naming what is not allowed; a min or
    max becomes a symbol of its own, entered in `choices`."""
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        a, b = _translate(node.left, text, symbols, sympy, choices), _translate(node.right, text, symbols, sympy, choices)
        op = type(node.op)
        if op is ast.Pow:
            return _power(a, b, text, sympy)
        if op is ast.Div and b == 0:
            raise _refuse(text, "divides by zero")
        return {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b, ast.Div: lambda: a / b}[op]()
    if isinstance(node, ast.BinOp):
        raise _refuse(text, f"uses the operator {type(node.op).__name__}, which a landscape does not "
                      f"({ALLOWED})")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        a = _translate(node.operand, text, symbols, sympy, choices)
        return -a if isinstance(node.op, ast.USub) else a
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _refuse(text, f"holds {value!r}, which is not a number")
        if not math.isfinite(value):
            raise _refuse(text, f"holds a number too large for a float")
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
    if isinstance(node, ast.Name):
        if node.id in symbols:
            return symbols[node.id]
        if node.id == "pi":
            return sympy.pi
        if node.id == "e":
            return sympy.E
        if node.id in FUNCTIONS:
            raise _refuse(text, f"uses {node.id} without an argument; write {node.id}(...)")
        raise _refuse(text, f"uses the name {node.id!r}, which a landscape does not know ({ALLOWED})")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise _refuse(text, f"calls {what!r}, which is not one of {', '.join(FUNCTIONS)}")
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise _refuse(text, f"gives {name} a named or starred argument; it takes plain ones")
        args = [_translate(a, text, symbols, sympy, choices) for a in node.args]
        if name in ("min", "max"):
            if len(args) < 2:
                raise _refuse(text, f"gives {name} {len(args)} argument{'s' * (len(args) != 1)}; it takes two or more")
            picked = sympy.Symbol(f"_{name}{len(choices)}", real=True)
            choices.append((picked, name, tuple(args)))
            return picked
        if len(args) != 1:
            raise _refuse(text, f"gives {name} {len(args)} arguments; it takes one")
        return {"exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "abs": sympy.Abs,
                "sin": sympy.sin, "cos": sympy.cos, "tanh": sympy.tanh}[name](args[0])
    words = NODE_WORDS.get(type(node), type(node).__name__)
    raise _refuse(text, f"uses {words}, which a landscape does not ({ALLOWED})")


def _power(a, b, text, sympy):
    if a.is_Number and b.is_Number:  # work out a power of two numbers in floating point, bounded
        if abs(float(b)) > MAX_EXPONENT:
            raise _refuse(text, f"raises a number to the power {float(b):g}; powers of numbers go up to {MAX_EXPONENT}")
        try:
            value = float(a) ** float(b)
        except (OverflowError, ZeroDivisionError):
            raise _refuse(text, "holds a power of numbers that is not a finite number") from None
        if isinstance(value, complex) or not math.isfinite(value):
            raise _refuse(text, "holds a power of numbers that is not a finite real number")
        return sympy.Integer(int(value)) if a.is_Integer and b.is_Integer and b >= 0 else sympy.Float(value)
    return a ** b


def check_start(loss, grad, start: tuple[float, ...], variables: tuple[str, ...] = ("x", "y")) -> None:
    """ExpressionError when the loss or its gradient is not a finite number at the start (a typed
    landscape's or a built-in one's): a walk from there has nowhere to go."""
    import numpy as np

    where = ", ".join(f"{v} = {p:g}" for v, p in zip(variables, start))
    with np.errstate(all="ignore"):
        try:
            values = [float(loss(*start)), *map(float, grad(*start))]
        except (ZeroDivisionError, OverflowError, ValueError, TypeError):
            values = [math.nan]
    if not all(math.isfinite(v) for v in values):
        what = "it" if not math.isfinite(values[0]) else "its gradient"
        raise ExpressionError(f"At the start ({where}) {what} is not a finite number; choose another start "
                              f"or another landscape.")


def typed_surface(text: str, start: tuple[float, ...] | None = None, name: str | None = None) -> Surface:
    """The Surface of a typed landscape: its loss, its gradient by SymPy's differentiation, a start.

    ExpressionError when the text is refused, or when the loss or its gradient is not a finite
    number at the start (log(x) at x = 0, sqrt(x) just right of 0, ...).
    """
    import numpy as np
    import sympy

    parsed = parse(text)
    symbols = [sympy.Symbol(v, real=True) for v in parsed.variables]
    picks = [picked for picked, _, _ in parsed.choices]

    def numeric(expr, inputs):
        """expr as a NumPy function of `inputs`, and its partial derivatives by each of them."""
        return (sympy.lambdify(inputs, expr, modules="numpy"),
                [sympy.lambdify(inputs, sympy.diff(expr, s), modules="numpy") for s in inputs])

    steps = [(kind, [numeric(a, [*symbols, *picks[:i]]) for a in args])
             for i, (_, kind, args) in enumerate(parsed.choices)]
    final = numeric(parsed.expr, [*symbols, *picks])

    def evaluate(args, with_grad: bool):
        """The loss at args and, with_grad, its gradient: each min or max in turn (its value, and its
        gradient that of the argument it picked), then the expression, by the chain rule."""
        values, grads = list(args), [[float(v == i) for v in range(len(symbols))] for i in range(len(symbols))]
        for kind, parts in steps:
            candidates = [fn(*values) for fn, _ in parts]
            stacked = np.asarray(np.broadcast_arrays(*[np.asarray(c, dtype=float) for c in candidates]))
            pick = (np.argmin if kind == "min" else np.argmax)(stacked, axis=0)
            values.append(np.take_along_axis(stacked, pick[None], axis=0)[0])
            if with_grad:
                total = [[sum(np.asarray(d(*values[:-1]), dtype=float) * grads[k][v] for k, d in enumerate(partials))
                          for v in range(len(symbols))] for _, partials in parts]
                grads.append([np.choose(pick, [np.broadcast_to(t[v], pick.shape) for t in total])
                              for v in range(len(symbols))])
        fn, partials = final
        loss_value = fn(*values)
        if not with_grad:
            return loss_value, None
        return loss_value, [sum(np.asarray(d(*values), dtype=float) * grads[k][v] for k, d in enumerate(partials))
                            for v in range(len(symbols))]

    def shaped(value, args):
        """A constant part (d/dx of 3x is 3) comes back as a number: as big as the inputs it is."""
        if any(isinstance(a, np.ndarray) for a in args):
            shape = np.broadcast(*[np.asarray(a) for a in args]).shape
            if isinstance(value, np.ndarray) and value.shape == shape and value.dtype == float:
                return value
            return np.broadcast_to(np.asarray(value, dtype=float), shape).astype(float)
        return float(np.real_if_close(value))

    def loss(*args):
        return shaped(evaluate(args, False)[0], args)

    def grad(*args):
        return tuple(shaped(g, args) for g in evaluate(args, True)[1])

    dims = len(parsed.variables)
    start = tuple(float(v) for v in (start if start is not None else DEFAULT_START[dims]))
    if len(start) != dims:
        raise ExpressionError(f"The landscape {parsed.text!r} names {', '.join(parsed.variables)}, so its start "
                              f"has {dims} coordinate{'s' * (dims > 1)}, not {len(start)}.")
    check_start(loss, grad, start, parsed.variables)
    x0, x1, y0, y1 = DEFAULT_VIEW
    cx, cy = start[0], start[1] if dims > 1 else 0.0
    view = (min(x0, cx - 1), max(x1, cx + 1), min(y0, cy - 1), max(y1, cy + 1))
    shown = (", ".join(f"d/d{v} = {sympy.sstr(sympy.diff(parsed.expr, s))}" for v, s in zip(parsed.variables, symbols))
             if not parsed.choices else "its min and max take the gradient of the argument they pick")
    return Surface(name or "typed", f"typed: {shown}", loss, grad, start, view, (), DEFAULT_LRS,
                   parsed.variables, parsed.text)
