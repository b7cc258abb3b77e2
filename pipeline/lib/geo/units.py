"""The warehouse's prefecture-level units: which GB/T 2260 code a county belongs to. The one owner of two conventions.

A province-administered county-level unit (省直辖县级行政区划: Henan's Jiyuan 419001, Hubei's Xiantao 429004,
Qianjiang 429005, Tianmen 429006 and Shennongjia 429021, Hainan's 4690xx, Xinjiang's 6590xx) answers to its
province directly, like a prefecture: it is a prefecture-level unit of its own, under its own code. GB/T 2260's
grouping codes 419000, 429000, 469000 and 659000 are headings of the code table, not places, and never an id.

A municipality (Beijing, Tianjin, Shanghai, Chongqing) is one prefecture-level unit with the code of its
districts' heading, province code + 0100 (110100, 120100, 310100, 500100), distinct from its province id
(110000): a six-digit id then names one row of `regions` at one level, so a join on prefecture_id can never
meet a province. Chongqing's counties (heading 500200) belong to 500100 like its districts.
"""

from __future__ import annotations

MUNICIPALITIES = ("11", "12", "31", "50")  # GB/T 2260 province codes of Beijing, Tianjin, Shanghai, Chongqing
PROVINCE_ADMINISTERED = "90"  # the third and fourth digits of a province-administered county-level unit


def prefecture_of(county: str) -> str:
    """The prefecture-level unit of a six-digit GB/T 2260 county-level code (or of a prefecture's own code)."""
    if len(county) != 6 or not county.isdigit():
        raise ValueError(f"not a six-digit GB/T 2260 code: {county!r}")
    if county[:2] in MUNICIPALITIES:
        return county[:2] + "0100"
    if county[2:4] == PROVINCE_ADMINISTERED:
        return county
    return county[:4] + "00"
