"""Landscapes a user types, their presets, and basin maps: what is accepted (with its exact
gradient), what is refused (in one sentence, nothing run), every optimizer against torch.optim on a
typed landscape, and the vectorised basin map against single walks."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.surfaces import SURFACES, SurfaceTrajectory, run_walk
from bumptui.engine.surfaces.basins import DIVERGED, NOT_SETTLED, SETTLE_STEPS, basin_map
from bumptui.engine.surfaces.typed import ExpressionError, parse, typed_surface
from tests.engine.test_surfaces import TORCH

ACCEPTED = [  # text, a point, its loss and gradient worked out by hand
    ("x**4 - 3*x**2 + y**2", (1.0, 2.0), 1 - 3 + 4, (4 - 6, 4)),
    ("x^2 + 10*y^2", (0.5, -1.0), 0.25 + 10, (1.0, -20.0)),
    ("exp(-x**2) * cos(y)", (0.0, 0.0), 1.0, (0.0, 0.0)),
    ("log(1 + x**2) + sqrt(1 + y**2)", (1.0, 0.0), math.log(2) + 1, (1.0, 0.0)),
    ("abs(x) + 2*abs(y)", (-0.5, 0.25), 1.0, (-1.0, 2.0)),
    ("max(x, y) + min(x, -y)", (2.0, 1.0), 2 - 1, (1.0, -1.0)),
    ("tanh(x) + sin(y)", (0.0, math.pi), math.sin(math.pi), (1.0, -1.0)),
    ("pi*x**2 + e*y**2", (1.0, 1.0), math.pi + math.e, (2 * math.pi, 2 * math.e)),
    ("(x - 1)**2", (3.0,), 4.0, (4.0,)),
    ("-x + 2", (1.0,), 1.0, (-1.0,)),
    ("2**10 * x**2 + 0.5e-1*y", (1.0, 2.0), 1024 + 0.1, (2048.0, 0.05)),
]


@pytest.mark.parametrize("text, point, loss, grad", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_a_typed_landscape_has_its_exact_loss_and_gradient(text, point, loss, grad):
    surface = typed_surface(text, start=point)
    assert surface.variables == (("x", "y") if len(point) == 2 else ("x",))
    assert surface.loss(*point) == pytest.approx(loss, rel=1e-12, abs=1e-15)
    assert surface.grad(*point) == pytest.approx(grad, rel=1e-12, abs=1e-15)
    xs = np.linspace(-1, 1, 7) + point[0]  # a grid of points gives what single points give
    rest = [np.full(7, p) for p in point[1:]]
    grads = surface.grad(xs, *rest)
    assert all(g.shape == (7,) for g in grads), "a constant part of a gradient comes back as big as the grid"
    for i in range(7):
        assert [g[i] for g in grads] == pytest.approx(surface.grad(xs[i], *point[1:]), rel=1e-12)


REFUSED = [  # text, what the one sentence says
    ("__import__('os')", "calls '__import__', which is not one of exp"),
    ("x.__class__", "uses attribute access"),
    ("os.system('ls')", "calls 'os.system'"),
    ("open('/etc/passwd')", "calls 'open'"),
    ("lambda: 1", "uses a lambda"),
    ("x if y else 1", "uses if/else"),
    ("x < y", "uses a comparison"),
    ("[x, y][0]", "uses indexing"),
    ("(x, y)", "uses a tuple"),
    ("'abc' * x", "holds 'abc', which is not a number"),
    ("True * x", "holds True, which is not a number"),
    ("x; import os", "is not an expression the lab can read"),
    ("2x + y", "write 2*x for a product"),
    ("x % 3", "uses the operator Mod"),
    ("z**2 + x", "uses the name 'z'"),
    ("__builtins__", "uses the name '__builtins__'"),
    ("exp + x", "uses exp without an argument"),
    ("exp(x, y)", "gives exp 2 arguments; it takes one"),
    ("max(x)", "gives max 1 argument; it takes two or more"),
    ("sin(x=1)", "named or starred argument"),
    ("9**9**9 * x", "raises a number to the power 3.8742e+08"),
    ("10.0**400 * x", "not a finite number"),
    ("1e400 * x", "a number too large for a float"),
    ("(-8)**(1/3) * x", "not a finite real number"),
    ("x / 0", "divides by zero"),
    ("3 + pi", "names neither x nor y"),
    ("y**2", "names y but not x"),
    ("x+" * 150 + "x", "is 301 characters long"),
    ("+".join(["x*y"] * 75), "parts; a landscape has at most 200"),
    ("", "The landscape is empty"),
]


@pytest.mark.parametrize("text, says", REFUSED, ids=[r[0][:30] for r in REFUSED])
def test_anything_else_is_refused_in_one_sentence(text, says):
    with pytest.raises(ExpressionError) as err:
        typed_surface(text)
    message = str(err.value)
    assert says in message
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message


def test_a_start_where_the_gradient_is_not_finite_is_refused():
    assert typed_surface("log(x) + y**2").start == (0.5, 0.5)
    with pytest.raises(ExpressionError, match=r"At the start \(x = 0, y = 1\) it is not a finite number"):
        typed_surface("log(x) + y**2", start=(0.0, 1.0))
    with pytest.raises(ExpressionError, match="its gradient is not a finite number"):
        typed_surface("sqrt(x) + y", start=(0.0, 1.0))
    with pytest.raises(ExpressionError, match="its start has 2 coordinates, not 1"):
        typed_surface("x*y", start=(1.0,))


# Random arithmetic over a small grammar, each expression held as a tree that renders to text and is
# worked out with math directly: the parser's loss must equal it, and its gradient the central differences.
LEAVES = st.one_of(st.sampled_from(["x", "y"]),
                   st.floats(min_value=0.1, max_value=5, allow_nan=False).map(lambda v: float(f"{v:.3g}")))


def _trees(children):
    return st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*"]), children, children),
        st.tuples(st.just("**"), children, st.integers(min_value=0, max_value=3)),
        st.tuples(st.sampled_from(["sin", "cos", "tanh", "exp"]), children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.sampled_from(["min", "max"]), children, children, children),
    )


TREES = st.recursive(LEAVES, _trees, max_leaves=8)
FUNCS = {"sin": math.sin, "cos": math.cos, "tanh": math.tanh, "exp": math.exp}


def render(t) -> str:
    if isinstance(t, str):
        return t
    if isinstance(t, float):
        return repr(t)
    if t[0] == "neg":
        return f"-({render(t[1])})"
    if t[0] in ("min", "max"):
        return f"{t[0]}({', '.join(render(a) for a in t[1:])})"
    if t[0] in FUNCS:
        return f"{t[0]}({render(t[1])})"
    if t[0] == "**":
        return f"({render(t[1])})**{t[2]}"
    return f"({render(t[1])}) {t[0]} ({render(t[2])})"


def value(t, x, y) -> float:
    if isinstance(t, str):
        return {"x": x, "y": y}[t]
    if isinstance(t, float):
        return t
    if t[0] == "neg":
        return -value(t[1], x, y)
    if t[0] in ("min", "max"):
        return (min if t[0] == "min" else max)(value(a, x, y) for a in t[1:])
    if t[0] in FUNCS:
        return FUNCS[t[0]](value(t[1], x, y))
    if t[0] == "**":
        return value(t[1], x, y) ** t[2]
    a, b = value(t[1], x, y), value(t[2], x, y)
    return a + b if t[0] == "+" else a - b if t[0] == "-" else a * b


def near_tie(t, x, y) -> bool:
    """Whether a min or max in t picks between terms within 1e-3 of each other at (x, y): a kink there,
    where central differences average two slopes and the lab takes the picked term's."""
    if isinstance(t, (str, float)) or t[0] == "**":
        return not isinstance(t, (str, float)) and near_tie(t[1], x, y)
    if t[0] in ("min", "max"):
        values = sorted(value(a, x, y) for a in t[1:])
        close = values[1] - values[0] if t[0] == "min" else values[-1] - values[-2]
        if close < 1e-3:
            return True
    return any(near_tie(a, x, y) for a in t[1:] if not isinstance(a, int))


@settings(max_examples=60, deadline=None)
@given(TREES.filter(lambda t: "x" in render(t)), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_random_arithmetic_reads_as_it_computes(tree, x, y):
    text = render(tree)
    try:
        expected = value(tree, x, y)
    except OverflowError:
        return
    try:
        surface = typed_surface(text, start=(x, y)[: len(parse(text).variables)])
    except ExpressionError as err:  # only an expression that is flat in x after all, or not finite here
        assert "names neither" in str(err) or "names y but not x" in str(err) or "not a finite" in str(err)
        return
    point = (x, y)[: surface.dims]
    assert surface.loss(*point) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    if near_tie(tree, x, y):
        return
    h = 1e-6
    for i in range(surface.dims):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        numeric = (surface.loss(*up) - surface.loss(*down)) / (2 * h)
        exact = surface.grad(*point)[i]
        assert exact == pytest.approx(numeric, rel=1e-4, abs=1e-4 * max(1.0, abs(expected)))


def test_min_and_max_of_many_arguments_cost_no_more_than_their_arguments_and_tie_to_the_first():
    # SymPy's own Max of 20 terms took 113 s to differentiate and was NaN where two terms tie, as x and
    # y do at the default start (0.5, 0.5): worked out numerically, the gradient is the picked term's.
    many = typed_surface("max(" + ", ".join(f"{i}*x" for i in range(1, 20)) + ", y)")
    assert many.loss(0.5, 0.5) == 9.5 and many.grad(0.5, 0.5) == (19.0, 0.0)
    tied = typed_surface("max(x, y, x*y, x**2, y**2)")
    assert tied.loss(*tied.start) == 0.5 and tied.grad(*tied.start) == (1.0, 0.0), "x, the first of the tied terms"
    grid = np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-2, 2, 5))
    expected = np.maximum.reduce([grid[0], grid[1], grid[0] * grid[1], grid[0] ** 2, grid[1] ** 2])
    assert np.array_equal(tied.loss(*grid), expected), "the same on a whole grid, as the contour draws it"


TYPED = "x**4 - 3*x**2 + y**2 + 0.5*sin(x*y)"


def torch_typed(p):
    import torch

    x, y = p[0], p[1]
    return x**4 - 3 * x**2 + y**2 + 0.5 * torch.sin(x * y)


@pytest.mark.parametrize("optimizer", list(TORCH))
def test_every_optimizer_on_a_typed_landscape_is_torch_optim_with_autograd(optimizer):
    # torch takes its gradient by autograd from its own writing of the landscape: both SymPy's
    # derivative and the lab's update rule are checked, step by step.
    import torch

    surface = typed_surface(TYPED, start=(0.3, 1.1))
    config = OptimizerConfig(name=optimizer, lr=surface.lr(optimizer), eps=1e-8 if optimizer == "rmsprop" else 0.0)
    ours = run_walk(surface, config, 30)
    p = torch.tensor(surface.start, dtype=torch.float64, requires_grad=True)
    opt = TORCH[optimizer](p, config)
    for t in range(1, 31):
        opt.zero_grad()
        torch_typed(p).backward()
        assert ours[t].g == pytest.approx(p.grad.tolist(), rel=1e-12, abs=1e-14), (optimizer, t)
        opt.step()
        assert ours[t].point == pytest.approx(p.detach().tolist(), rel=1e-12, abs=1e-15), (optimizer, t)
        assert ours[t].f == pytest.approx(torch_typed(p.detach()).item(), rel=1e-12, abs=1e-14)


def test_stepping_back_then_forward_gives_the_identical_record():
    walk = SurfaceTrajectory(SURFACES["rosenbrock"](), OptimizerConfig(name="adam", lr=0.2))
    walk.run(12)
    twelfth = walk.current
    assert walk.back() and walk.back() and walk.t == 10
    walk.run(2)
    assert walk.current == twelfth
    walk.reset()
    assert walk.t == 0 and not walk.back()


def test_a_diverging_walk_says_so_and_goes_on():
    walk = SurfaceTrajectory(SURFACES["rosenbrock"](), OptimizerConfig(name="gd", lr=0.1))
    walk.run(30)
    assert walk.diverged and len(walk.records) == 31


def settles(points, minima, radius):
    """The basin map's rule, applied to one walk: the index of the minimum it settled at, or NOT_SETTLED/DIVERGED."""
    ends = np.array(points)
    if not np.all(np.isfinite(ends[-1])):
        return DIVERGED
    recent = ends[-SETTLE_STEPS:]
    if np.max(recent.max(axis=0) - recent.min(axis=0)) > radius:
        return NOT_SETTLED
    d = [math.dist(ends[-1], m) for m in minima]
    k = int(np.argmin(d))
    return k if d[k] <= radius else NOT_SETTLED


@pytest.mark.parametrize("optimizer, lr", [("gd", 0.01), ("momentum", 0.003), ("adam", 0.1), ("gd", 0.05)])
def test_the_basin_map_is_a_loop_of_single_walks(optimizer, lr):
    surface = SURFACES["himmelblau"]()
    config = OptimizerConfig(name=optimizer, lr=lr)
    xs, ys = np.linspace(-4.5, 4.5, 6), np.linspace(-4, 4, 5)
    bmap = basin_map(surface, config, xs, ys, steps=150)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            points = SurfaceTrajectory(surface, config, (x, y)).run(150)
            end = points[-1].point
            if np.all(np.isfinite(end)):
                assert bmap.ends[:, j, i] == pytest.approx(end, rel=1e-12, abs=1e-12)
            assert bmap.reached[j, i] == settles([r.point for r in points], surface.minima, bmap.radius), (x, y)


def test_himmelblaus_four_basins_share_the_grid_and_a_long_step_diverges():
    surface = SURFACES["himmelblau"]()
    grid = np.linspace(-5, 5, 60)
    bmap = basin_map(surface, OptimizerConfig(name="gd", lr=0.01), grid, grid, steps=300)
    assert [round(bmap.share(k), 2) for k in range(4)] == pytest.approx([0.25] * 4, abs=0.04)
    assert bmap.share(DIVERGED) == 0 and bmap.share(NOT_SETTLED) < 0.02
    wild = basin_map(surface, OptimizerConfig(name="gd", lr=0.05), grid, grid, steps=100)
    assert wild.share(DIVERGED) > 0.5


def test_a_typed_landscapes_minima_are_found_where_the_walks_settle():
    surface = typed_surface("x**4 - 3*x**2 + y**2")
    grid = np.linspace(-3, 3, 41)
    bmap = basin_map(surface, OptimizerConfig(name="gd", lr=0.01), grid, grid, steps=300)
    found = sorted(bmap.minima)
    assert len(found) == 2
    for (x, y), sign in zip(found, (-1, 1)):
        assert x == pytest.approx(sign * math.sqrt(1.5), abs=1e-6) and y == pytest.approx(0, abs=1e-6)
    left = bmap.reached[:, grid < 0]
    assert np.all(left == [k for k, m in enumerate(bmap.minima) if m[0] < 0][0]), "every start left of 0 goes left"
    ridge = bmap.reached[:, grid == 0]
    assert np.all(ridge == NOT_SETTLED), "a start on the ridge x = 0 stays on its saddle: no minimum"


def test_presets_are_saved_named_and_never_overwritten_when_damaged(tmp_path, monkeypatch):
    from bumptui.engine.surfaces.presets import PresetError, names, presets_path, resolve, save

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert names() == list(SURFACES)
    save("double-well", "x**4 - 3*x**2 + y**2", (0.2, 1.0))
    assert names()[-1] == "double-well"
    surface = resolve("double-well")
    assert surface.expression == "x**4 - 3*x**2 + y**2" and surface.start == (0.2, 1.0)
    assert surface.name == "double-well"
    with pytest.raises(ExpressionError):
        save("broken", "x.__class__", (0.0, 0.0))
    with pytest.raises(PresetError, match="'rosenbrock' is a built-in landscape"):
        save("rosenbrock", "x**2 + y**2", (1.0, 1.0))
    with pytest.raises(PresetError, match="a letter then up to 31 letters"):
        save("../evil", "x**2 + y**2", (1.0, 1.0))
    assert list(json.loads(presets_path().read_text())) == ["double-well"]
    with pytest.raises(PresetError, match="There is no landscape named 'rosen': the lab has bump, .*, double-well, or type"):
        resolve("rosen")
    presets_path().write_text("{ not json")
    with pytest.raises(PresetError, match="cannot be read as saved landscapes.*move it aside"):
        save("another", "x**2 + y**2", (1.0, 1.0))
    assert presets_path().read_text() == "{ not json", "a damaged file is never overwritten"
    assert names() == list(SURFACES)


def test_parse_says_which_coordinates_a_landscape_names():
    assert parse("x**2").variables == ("x",)
    assert parse("x*y").variables == ("x", "y")
    assert parse("x + 0*y").variables == ("x",), "a y multiplied by 0 is not a coordinate"


@pytest.mark.parametrize("start", [(1e308, 1e308), (math.nan, 0.0), (math.inf, 1.0)])
@pytest.mark.parametrize("name", ["rosenbrock", "beale", "quadratic"])
def test_a_built_in_landscape_refuses_a_start_where_nothing_is_finite_as_a_typed_one_does(name, start, capsys):
    """`trajectory --start 1e308 1e308` on Rosenbrock was an OverflowError traceback, `nan 0` 20 rows of nan."""
    from bumptui.engine.surfaces.presets import resolve
    from tests.conftest import in_process, one_sentence

    with pytest.raises(ExpressionError, match="is not a finite number; choose another start"):
        resolve(name, start)
    one_sentence(in_process(capsys, "trajectory", "--landscape", name, "--start", *map(str, start)),
                 "is not a finite number")
    assert resolve(name, (0.5, 0.5)).start == (0.5, 0.5), "a finite start is taken as it is"


def test_a_walk_that_leaves_the_floats_says_at_which_step_and_shows_nothing_after(capsys):
    from bumptui.cli.main import main

    walk = SurfaceTrajectory(SURFACES["rosenbrock"](), OptimizerConfig(name="gd", lr=0.1))
    walk.run(30)
    step = walk.diverged_at()
    assert main(["trajectory", "--landscape", "rosenbrock", "--optimizer", "gd", "--lr", "0.1", "--steps", "30"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith(f"The walk diverged at step {step}: its steps outgrew a float, so the {30 - step} steps")
    assert [line.split()[0] for line in lines[2:-1]] == [str(t) for t in range(step + 1)], "rows up to that step"
    assert main(["trajectory", "--landscape", "rosenbrock", "--optimizer", "gd", "--lr", "0.1", "--steps", "30",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["diverged_at"] == step
