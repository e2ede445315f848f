"""Rasterise chart files with independent renderers and measure how far two images differ.

Used by the SVG and PDF tests: librsvg's ``rsvg-convert`` and poppler's ``pdftoppm``
draw the exported files, and the measure compares the result with Qt's PNG.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage, QPainter

SMOOTH = 4           # pixels averaged per side before comparing
BLOCK = 16           # pixels per side of a compared block
BLOCK_LIMIT = 16.0   # a block differs when its mean absolute difference (0–255) is above this
CHROMIUM = Path("/usr/bin/chromium")


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def rgb_array(path: Path | str) -> np.ndarray:
    """An image file as a height×width×3 uint8 array (alpha composed over white)."""
    img = QImage(str(path))
    if img.isNull():
        raise AssertionError(f"{path}: not an image")
    # RGB32 over white: a transparent background counts as the white page it is shown on.
    base = QImage(img.size(), QImage.Format.Format_RGB32)
    base.fill(0xFFFFFFFF)
    p = QPainter(base)
    p.drawImage(0, 0, img)
    p.end()
    arr = np.frombuffer(base.constBits(), np.uint8).reshape(base.height(), base.bytesPerLine() // 4, 4)
    return arr[:, :base.width(), 2::-1].copy()


@dataclass
class Difference:
    mean: float             # mean absolute difference over all pixels and channels, 0–255
    blocks: float           # of the blocks with ink in either image, the fraction whose mean difference is over BLOCK_LIMIT

    def __str__(self) -> str:
        return f"mean {self.mean:.2f}/255, {self.blocks:.1%} of inked {BLOCK}px blocks differ"


def _shrink(arr: np.ndarray, k: int) -> np.ndarray:
    h, w = (arr.shape[0] // k) * k, (arr.shape[1] // k) * k
    return arr[:h, :w].reshape(h // k, k, w // k, k, *arr.shape[2:]).mean(axis=(1, 3))


def difference(a: np.ndarray, b: np.ndarray) -> Difference:
    """How two same-sized images differ, as a whole and block by block.

    Both are first averaged over SMOOTH×SMOOTH pixels: renderers place glyphs a
    fraction of a pixel apart (hinted or not), which is no fault of the file, while
    an axis scaled to 75 % or a label 40 px off still shows in full.
    """
    assert a.shape == b.shape, (a.shape, b.shape)
    sa, sb = _shrink(a.astype(np.float32), SMOOTH), _shrink(b.astype(np.float32), SMOOTH)
    d = np.abs(sa - sb).mean(axis=-1)
    k = BLOCK // SMOOTH
    per_block = _shrink(d, k)
    inked = _shrink(((sa < 235).any(axis=-1) | (sb < 235).any(axis=-1)).astype(np.float32), k) > 0
    differ = (per_block > BLOCK_LIMIT) & inked
    return Difference(float(d.mean()), float(differ.sum() / max(1, inked.sum())))


def rsvg(svg: Path, width: int, height: int, out: Path | None = None) -> np.ndarray:
    """The SVG drawn by librsvg at width×height pixels."""
    out = out or svg.with_suffix(".rsvg.png")
    res = subprocess.run(["rsvg-convert", "-w", str(width), "-h", str(height), "-b", "white",
                          "-o", str(out), str(svg)], capture_output=True, text=True, timeout=60)
    if res.returncode != 0:
        raise AssertionError(f"rsvg-convert refused {svg.name}: {res.stderr.strip()}")
    return rgb_array(out)


def chromium(svg: Path, width: int, height: int, out: Path | None = None) -> np.ndarray:
    """The SVG as Chromium shows it: a headless screenshot of a page holding only the image."""
    out = out or svg.with_suffix(".chromium.png")
    with tempfile.TemporaryDirectory() as profile:
        page = Path(profile) / "page.html"
        page.write_text(f"<!doctype html><html><body style='margin:0;background:white'>"
                        f"<img src='{svg.resolve().as_uri()}' width='{width}' height='{height}' "
                        f"style='display:block'></body></html>", encoding="utf-8")
        subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--no-first-run", "--hide-scrollbars",
                        "--allow-file-access-from-files", f"--user-data-dir={profile}/data",
                        f"--window-size={width},{height}", "--force-device-scale-factor=1",
                        f"--screenshot={out}", page.as_uri()],
                       capture_output=True, text=True, timeout=120)
    if not out.exists():
        raise AssertionError(f"chromium wrote no screenshot of {svg.name}")
    return rgb_array(out)


def pdf_pages(pdf: Path, dpi: int = 48) -> list[np.ndarray]:
    """Every page of a PDF drawn by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        res = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{tmp}/page"],
                             capture_output=True, text=True, timeout=60)
        if res.returncode != 0:
            raise AssertionError(f"pdftoppm refused {pdf.name}: {res.stderr.strip()}")
        return [rgb_array(p) for p in sorted(Path(tmp).glob("page*.png"))]


def pdf_text(pdf: Path) -> str:
    """The text poppler's pdftotext finds in a PDF (words joined by single spaces)."""
    res = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, timeout=60)
    if res.returncode != 0:
        raise AssertionError(f"pdftotext refused {pdf.name}: {res.stderr.decode(errors='replace').strip()}")
    return " ".join(res.stdout.decode("utf-8", errors="replace").split())


def ink(arr: np.ndarray) -> float:
    """The fraction of pixels that are not (nearly) white."""
    return float((arr < 235).any(axis=-1).mean())
