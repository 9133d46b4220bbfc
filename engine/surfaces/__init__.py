"""The optimizer lab in two dimensions: surfaces (built in, or typed by the user), walks on them
that step forward and back, and basin maps over a grid of starts. engine/bump keeps the seed's 1-D
question; like it, nothing here imports torch, and SymPy loads only for a typed landscape."""

from bumptui.engine.surfaces.builtin import SURFACES, Surface, beale, bump_valley, himmelblau, quadratic, rosenbrock, saddle
from bumptui.engine.surfaces.walk import MAX_WALK_STEPS, SurfaceStep, SurfaceTrajectory, run_walk

__all__ = ["SURFACES", "Surface", "beale", "bump_valley", "himmelblau", "quadratic", "rosenbrock", "saddle",
           "MAX_WALK_STEPS", "SurfaceStep", "SurfaceTrajectory", "run_walk"]
