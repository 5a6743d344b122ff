"""Peak memory of reading a GeoTIFF tile by tile through GDAL (inflame.raster.GeoRaster), at 1x and 4x the image area,
and GDAL windowed reads vs inflame's own PNG band streaming (raster.Raster) on the same PNG.

    .venv/bin/python bench/geo_memory.py [--side 5000] [--tile 1024]

Measured (2 shared CPU cores): +89.0 MB peak at 5000x5000 and +88.8 MB at 10000x10000 (flat: GDAL's block cache, capped
at 64 MB by inflame, plus one tile); on the PNG, tiles.Raster streaming 17.5-18.4 MP/s vs GDAL windows 16.2-16.7 MP/s.

Each measurement runs in a fresh subprocess and reports its peak RSS growth over the interpreter with numpy and
rasterio imported, sampled every 2 ms (so the figures are the reader's own, GDAL's block cache included). The GeoTIFFs are generated (tiled, deflate) in a temp folder.
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path

def child(path, tile, reader):
    import numpy as np, rasterio  # noqa: F401
    from inflame import tiles as T
    from inflame.raster import GeoRaster, Raster
    import threading
    rss = lambda: int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    base = rss(); peak = [base]; stop = threading.Event()
    def sample():
        while not stop.is_set(): peak[0] = max(peak[0], rss()); time.sleep(0.002)
    th = threading.Thread(target=sample, daemon=True); th.start()
    t = time.perf_counter()
    r = GeoRaster(path, allow_large=True) if reader == "gdal" else Raster(path, allow_large=True)
    n = s = 0
    for _, a in r.tiles(T.tile_grid(r.width, r.height, tile, 0.2)): n += 1; s += int(a[0, 0, 0])
    secs = time.perf_counter() - t; stop.set(); th.join()
    print(json.dumps({"tiles": n, "seconds": round(secs, 2), "mp_per_s": round(r.width * r.height / 1e6 / secs, 1),
                      "peak_mb": round((peak[0] - base) / 2**20, 1)}))

def run(path, tile, reader):
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--tile", str(tile), "--reader", reader], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--side", type=int, default=5000); ap.add_argument("--tile", type=int, default=1024)
    ap.add_argument("--child"); ap.add_argument("--reader", default="gdal"); a = ap.parse_args()
    if a.child: return child(a.child, a.tile, a.reader)
    import numpy as np, rasterio
    from rasterio.transform import from_origin
    d = Path(tempfile.mkdtemp())
    for k, side in (("1x", a.side), ("4x", 2 * a.side)):
        p = d / f"{k}.tif"
        with rasterio.open(p, "w", driver="GTiff", width=side, height=side, count=3, dtype="uint8", crs="EPSG:32617",
                           transform=from_origin(400000, 3285000, 0.05, 0.05), tiled=True, blockxsize=256, blockysize=256,
                           compress="deflate", BIGTIFF="IF_SAFER") as f:
            rng = np.random.default_rng(0)
            for y in range(0, side, 1024):
                h = min(1024, side - y); f.write(rng.integers(0, 255, (3, h, side), dtype=np.uint8), window=((y, y + h), (0, side)))
        r = run(p, a.tile, "gdal")
        print(f"GeoTIFF {side}x{side} ({k} area, {p.stat().st_size / 1e6:.0f} MB file): {r['tiles']} tiles of {a.tile}, "
              f"peak +{r['peak_mb']} MB, {r['mp_per_s']} MP/s")
    png = Path(__file__).resolve().parents[1] / "../shared/data/deepforest_aerial_trees_det/images/2019_YELL_2_528000_4978000_image_crop2.png"
    if png.is_file():
        for reader in ("png", "gdal"):
            r = min((run(png, 512, reader) for _ in range(3)), key=lambda r: r["seconds"])
            print(f"{png.name} 2299x2472, tiles of 512: {'PNG streaming (tiles.Raster)' if reader == 'png' else 'GDAL windows (raster.GeoRaster)'}: "
                  f"{r['mp_per_s']} MP/s, peak +{r['peak_mb']} MB")

if __name__ == "__main__": main()
