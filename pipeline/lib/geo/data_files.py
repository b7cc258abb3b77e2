"""Paths of the geographic reference files shipped in pipeline/data, as the geo SQL binds them."""

from pipeline.data import path as _path


def sql_params() -> dict[str, str]:
    return {
        "countries_path": _path("geonames_countryInfo.txt"),
        "fips_adm1_path": _path("fips_ch_adm1_to_gbt2260.csv"),
        "provinces_path": _path("gbt2260_provinces.csv"),
        "prefectures_path": _path("china_prefecture_seats.csv"),
        "province_seats_path": _path("china_province_seats.csv"),
    }
