#!/usr/bin/env python3
"""How far apart the default theme's status colours stay, as seen with normal vision and with
the three kinds of dichromacy (Machado, Oliveira & Fernandes 2009 matrices, severity 1.0):
the smallest CIE76 distance (ΔE*ab) between any two of the eight `--st-*` colours of
themes/default/static/style.css, light and dark. Used to choose them (docs/readers.md).

    python3 benches/status_colours.py
"""
import itertools
import re
from pathlib import Path

MATRICES = {
    "normal": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def to_linear(c):
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def to_srgb(c):
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def seen(hex_colour, vision):
    rgb = [to_linear(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5)]
    m = MATRICES[vision]
    return [to_srgb(sum(m[i][j] * rgb[j] for j in range(3))) for i in range(3)]


def lab(rgb):
    r, g, b = (to_linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = lambda t: t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))]


def distance(a, b):
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b))) ** 0.5


css = (Path(__file__).parent.parent / "themes/default/static/style.css").read_text(encoding="utf-8")
light = css[css.index(":root {"):]
dark = css[css.index("@media (prefers-color-scheme: dark)"):]
for scheme, block in [("light", light[:light.index("}")]), ("dark", dark[:dark.index("}")])]:
    colours = dict(re.findall(r"--st-(\w+): (#[0-9a-fA-F]{6})", block))
    assert len(colours) == 8, colours
    for vision in MATRICES:
        d, a, b = min(
            (distance(seen(colours[a], vision), seen(colours[b], vision)), a, b)
            for a, b in itertools.combinations(colours, 2)
        )
        print(f"{scheme:5} {vision:12} closest pair {a} / {b}: ΔE {d:.1f}")
