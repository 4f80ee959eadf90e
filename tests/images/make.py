#!/usr/bin/env python3
"""make.py DIR — writes small image files of known sizes into DIR, for the
tests of image dimensions and of images published beside articles.

Every file is written here by the format's rules, byte by byte (no image
library): a real 3x2 PNG (zlib-compressed rows), a real 5x7 GIF, a JPEG
with the segments before its frame header that a reader must skip (its
scan is a stub: browsers may not draw it, the header is what is tested),
WebP in its three layouts (lossy VP8, lossless VP8L, extended VP8X,
headers only) and SVGs sized by width/height, by viewBox only, and not at
all."""
import os
import struct
import sys
import zlib


def png(width, height):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\xd0\x30\x30" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def gif(width, height):
    # a two-colour global table, one image of colour 0 (LZW: clear, the
    # pixels as literal codes with a clear code before the table fills,
    # end)
    header = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0)
    palette = b"\xd0\x30\x30\xff\xff\xff"
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
    codes = []
    for i in range(width * height):
        if i % 2 == 0:
            codes.append(4)     # clear keeps the code size at 3 bits
        codes.append(0)
    codes.append(5)
    bits, count, out = 0, 0, bytearray()
    for code in codes:
        bits |= code << count
        count += 3
        while count >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            count -= 8
    if count:
        out.append(bits & 0xFF)
    blocks = b"".join(bytes([len(out[i:i + 255])]) + bytes(out[i:i + 255])
                      for i in range(0, len(out), 255))
    return header + palette + image + b"\x02" + blocks + b"\x00\x3b"


def jpeg(width, height):
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + b"\xff\xff" + dqt + sof + b"\xff\xd9"


def riff(chunk, data):
    body = b"WEBP" + chunk + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_lossy(width, height):
    return riff(b"VP8 ", b"\x10\x02\x00\x9d\x01\x2a" + struct.pack("<HH", width, height) + b"\x00" * 8)


def webp_lossless(width, height):
    bits = (width - 1) | (height - 1) << 14
    return riff(b"VP8L", b"\x2f" + struct.pack("<I", bits) + b"\x00" * 8)


def webp_extended(width, height):
    canvas = struct.pack("<I", width - 1)[:3] + struct.pack("<I", height - 1)[:3]
    return riff(b"VP8X", b"\x00\x00\x00\x00" + canvas + b"\x00" * 6)


SVG_SIZED = """<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment before the root -->
<svg xmlns="http://www.w3.org/2000/svg" width="240px" height="120" viewBox="0 0 48 24">
  <rect width="48" height="24" fill="#d03030"/>
</svg>
"""
SVG_VIEWBOX = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0,0 320.4 180">
  <circle cx="160" cy="90" r="80" fill="#3070d0"/>
</svg>
"""
SVG_RELATIVE = """<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="50%">
  <rect width="10" height="10"/>
</svg>
"""

FILES = {
    "red.png": png(3, 2),
    "dot.gif": gif(5, 7),
    "photo.jpg": jpeg(640, 480),
    "lossy.webp": webp_lossy(33, 17),
    "lossless.webp": webp_lossless(100, 50),
    "extended.webp": webp_extended(1920, 1080),
    "sized.svg": SVG_SIZED.encode(),
    "viewbox.svg": SVG_VIEWBOX.encode(),
    "relative.svg": SVG_RELATIVE.encode(),
    "notes.txt": "画像ではないファイル\n".encode(),
}

if __name__ == "__main__":
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, data in FILES.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
