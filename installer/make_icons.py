"""Render the application icon set from its SVG source.

Run after editing ``resources/icons/pcn-assistant.svg`` and commit the outputs:

    .venv/bin/python installer/make_icons.py

Writes ``pcn-assistant-<size>.png`` for every size in ``PNG_SIZES`` and a Windows
``pcn-assistant.ico``. The .ico holds 32-bit BMP images up to 64 px (read by every
Windows version and by NSIS) and a PNG-compressed 256 px image, which is how
Windows' own icons store the large size. Only PySide6 is needed, no Pillow.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICON_DIR / "pcn-assistant.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn at ``size`` px square, straight (non-premultiplied) ARGB."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def bmp_icon_entry(image: QImage) -> bytes:
    """An ICO image as a BITMAPINFOHEADER, bottom-up BGRA rows and an empty AND mask."""
    width, height = image.width(), image.height()
    stride = width * 4
    raw = bytes(image.constBits())[: image.bytesPerLine() * height]
    rows = [raw[y * image.bytesPerLine(): y * image.bytesPerLine() + stride] for y in range(height)]
    pixels = b"".join(reversed(rows))  # Format_ARGB32 is B,G,R,A in memory on little-endian
    mask_stride = ((width + 31) // 32) * 4
    mask = bytes(mask_stride * height)  # all zero: the alpha channel decides transparency
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0,
                         len(pixels) + len(mask), 0, 0, 0, 0)
    return header + pixels + mask


def ico_bytes(images: list[QImage]) -> bytes:
    """A Windows .ico holding ``images`` (BMP entries below 256 px, PNG at 256 px)."""
    payloads = [png_bytes(img) if img.width() >= 256 else bmp_icon_entry(img) for img in images]
    offset = 6 + 16 * len(images)
    directory = b""
    for image, payload in zip(images, payloads, strict=True):
        side = image.width() % 256  # 0 means 256 in an ICONDIRENTRY
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(payload), offset)
        offset += len(payload)
    return struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(payloads)


def main() -> int:
    if sys.byteorder != "little":
        raise SystemExit("make_icons.py writes BMP rows assuming a little-endian machine")
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"Qt cannot read {SOURCE}")
    images = {size: render(renderer, size) for size in PNG_SIZES}
    for size, image in images.items():
        (ICON_DIR / f"pcn-assistant-{size}.png").write_bytes(png_bytes(image))
    (ICON_DIR / "pcn-assistant.ico").write_bytes(ico_bytes([images[s] for s in ICO_SIZES]))
    print(f"Wrote {len(PNG_SIZES)} PNG sizes and pcn-assistant.ico to {ICON_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
