#!/usr/bin/env python3
"""Draws Whither's toolbar icons (a plain globe) as PNG files using only the standard library.

Usage: python3 scripts/make-icons.py [OUT_DIR]   (default: extension/icons)
Writes icon-16.png, icon-32.png, icon-48.png and icon-128.png. The output is deterministic.
"""
import os
import struct
import sys
import zlib

SIZES = (16, 32, 48, 128)
FILL = (0x1E, 0x6F, 0xB8)  # ocean blue
LINE = (0xFF, 0xFF, 0xFF)  # meridians and parallels
RIM = (0x0E, 0x3F, 0x6E)  # outline
SUPERSAMPLE = 4


def coverage(size, x, y):
    """Returns (fill, line, rim) coverage in [0, 1] of pixel (x, y) by supersampling."""
    n = SUPERSAMPLE
    fill = line = rim = 0
    r = size / 2 - 0.5
    c = size / 2
    stroke = max(1.0, size / 16)  # line width in pixels
    for sy in range(n):
        for sx in range(n):
            px = x + (sx + 0.5) / n - c
            py = y + (sy + 0.5) / n - c
            d = (px * px + py * py) ** 0.5
            if d > r:
                continue
            if d > r - stroke:
                rim += 1
                continue
            fill += 1
            # Equator and two parallels.
            on = abs(py) < stroke / 2 or abs(abs(py) - r * 0.5) < stroke / 2
            # Central meridian and one ellipse meridian (half-width 0.5 r).
            if abs(px) < stroke / 2:
                on = True
            ry = (r * r - py * py) ** 0.5 if r * r > py * py else 0
            ex = 0.5 * ry
            if abs(abs(px) - ex) < stroke / 2:
                on = True
            if on:
                line += 1
    total = n * n
    return fill / total, line / total, rim / total


def pixel(size, x, y):
    fill, line, rim = coverage(size, x, y)
    alpha = fill + rim
    if alpha == 0:
        return (0, 0, 0, 0)
    body = fill - line
    rgb = tuple(
        round((FILL[i] * body + LINE[i] * line + RIM[i] * rim) / alpha) for i in range(3)
    )
    return rgb + (round(255 * alpha),)


def png(size):
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0
        for x in range(size):
            row.extend(pixel(size, x, y))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "extension", "icons")
    )
    os.makedirs(out, exist_ok=True)
    for size in SIZES:
        path = os.path.join(out, f"icon-{size}.png")
        with open(path, "wb") as f:
            f.write(png(size))
        print(path)


if __name__ == "__main__":
    main()
