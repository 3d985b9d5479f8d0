"""Small, exact-enough statistics without numpy or scipy: least squares and Student's t.

Index math runs on doubles (DESIGN: "index math may use doubles"). Everything here is a few
dozen lines of textbook numerics, tested against published table values:

- ``t_quantile(p, df)`` inverts the Student t CDF, which is written through the regularized
  incomplete beta function ``I_x(a, b)`` (continued fraction, modified Lentz), so
  ``F(t) = 1 - I_{df/(df+t²)}(df/2, 1/2) / 2`` for ``t ≥ 0``.
- ``fit_line(x, y)`` is ordinary least squares of ``y`` on ``x`` with an intercept: slope,
  intercept, the slope's standard error ``sqrt(SSR / (n-2) / Sxx)`` and ``r²``.
- ``solve(a, b)`` solves a small dense linear system (Gaussian elimination with partial
  pivoting), for the hedonic regression's normal equations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_EPS = 1e-15
_TINY = 1e-300


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    """``I_x(a, b)``, the CDF of a Beta(a, b) variable at ``x``."""
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"x must lie in [0, 1], not {x}")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    tail = 0.5 * regularized_incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (bisection on the CDF).

    Bisection to the last bit takes a few hundred CDF calls and cannot diverge; the result
    is cached, because a backtest fits thousands of lines with the same few (p, df).
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie in (0, 1), not {p}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
        if high > 1e12:
            raise ArithmeticError(f"t quantile out of range for p={p}, df={df}")
    for _ in range(200):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


@dataclass(frozen=True)
class LineFit:
    """Ordinary least squares of y on x with an intercept."""

    n: int
    slope: float
    intercept: float
    slope_se: float
    r_squared: float

    def slope_interval(self, level: float = 0.90) -> tuple[float, float]:
        """Two-sided confidence interval of the slope from the t distribution with n-2 dof."""
        if self.n < 3:
            raise ValueError("a confidence interval needs at least 3 points")
        half = t_quantile(0.5 + level / 2.0, self.n - 2) * self.slope_se
        return self.slope - half, self.slope + half


def fit_line(x: Sequence[float], y: Sequence[float]) -> LineFit:
    """OLS fit of ``y = intercept + slope · x``; needs two distinct x values."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y differ in length")
    if n < 2:
        raise ValueError("a line needs at least 2 points")
    mean_x = math.fsum(x) / n
    mean_y = math.fsum(y) / n
    sxx = math.fsum((xi - mean_x) ** 2 for xi in x)
    if sxx == 0.0:
        raise ValueError("all x values are equal: no slope")
    sxy = math.fsum((xi - mean_x) * (yi - mean_y) for xi, yi in zip(x, y, strict=True))
    syy = math.fsum((yi - mean_y) ** 2 for yi in y)
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    ssr = math.fsum((yi - intercept - slope * xi) ** 2 for xi, yi in zip(x, y, strict=True))
    slope_se = math.sqrt(ssr / (n - 2) / sxx) if n > 2 else math.nan
    r_squared = 1.0 - ssr / syy if syy > 0.0 else 1.0
    return LineFit(n, slope, intercept, slope_se, r_squared)


def solve(a: Sequence[Sequence[float]], b: Sequence[float]) -> list[float]:
    """Solve ``a · x = b`` for a square, non-singular ``a`` (partial pivoting)."""
    size = len(a)
    rows = [[*map(float, row), float(value)] for row, value in zip(a, b, strict=True)]
    if any(len(row) != size + 1 for row in rows):
        raise ValueError("the matrix must be square and match b")
    scale = max((abs(v) for row in rows for v in row[:size]), default=0.0) or 1.0
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) <= 1e-12 * scale:
            raise ValueError("singular system: a regressor is collinear with others")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col]
        for r in range(col + 1, size):
            factor = rows[r][col] / head[col]
            if factor:
                row = rows[r]
                for c in range(col, size + 1):
                    row[c] -= factor * head[c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        total = rows[r][size] - math.fsum(rows[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = total / rows[r][r]
    return solution
