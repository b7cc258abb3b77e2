"""A compiled release's awards as normalised contract records: one per award, or one per supplier of Taiwan's
award object."""

from __future__ import annotations

from pipeline.lib.procurement.ocds.compile import Source


def _name(party: object) -> str | None:
    return party.get("name") if isinstance(party, dict) else None


def award_rows(release: dict, source: Source) -> list[dict]:
    """One normalised record per award of a compiled release (or one quarantined record when there is none)."""
    ocid = release.get("ocid", "")
    awards = release.get("awards")
    base = {"source_file": source.file, "source_row": source.document, "buyer_region_id": ""}
    if isinstance(awards, dict) and isinstance(awards.get("items"), list):
        return _taiwan_rows(
            release,
            awards,
            {
                **base,
                "buyer_name": _legal_name(release.get("buyer"))
                or _legal_name((release.get("tender") or {}).get("procuringEntity")),
            },
        )
    base["buyer_name"] = (
        _name(release.get("buyer"))
        or next((_name(p) for p in release.get("parties", []) if "buyer" in (p.get("roles") or [])), None)
        or _name((release.get("tender") or {}).get("procuringEntity"))
    )
    if not isinstance(awards, list) or not awards:
        problem = (
            "awards is not a list: an OCDS-like variant this reader does not map"
            if awards
            else "no award in the compiled release"
        )
        return [{**base, "contract_id": ocid, "source_problem": problem}]
    tender_title = (release.get("tender") or {}).get("title")
    signed = {c.get("awardID"): c.get("dateSigned") for c in release.get("contracts", []) if isinstance(c, dict)}
    rows = []
    for award in awards:
        value = award.get("value") or {}
        date = award.get("date") or signed.get(award.get("id")) or release.get("date")
        rows.append(
            {
                **base,
                "contract_id": f"{ocid}/{award.get('id', '')}",
                "award_date": (date or "")[:10] or None,
                "supplier_name": "; ".join(filter(None, (_name(s) for s in award.get("suppliers") or []))) or None,
                "amount": None if value.get("amount") is None else str(value["amount"]),
                "currency": value.get("currency"),
                "title": award.get("title") or tender_title,
                "notice_type": "award",
                "source_problem": None,
            }
        )
    return rows


def _legal_name(organisation: object) -> str | None:
    """Taiwan names an organisation by identifier.legalName only."""
    identifier = organisation.get("identifier") if isinstance(organisation, dict) else None
    return identifier.get("legalName") if isinstance(identifier, dict) else None


def _taiwan_rows(release: dict, award: dict, base: dict) -> list[dict]:
    """Taiwan's OCDS-like releases (open-contracting/sample-data, real-examples/taiwan) hold one award as an
    object: awardDate (the award decision), and per item (numbered) its suppliers (numbered), each with its own
    awardValue. Every supplier of every item is a contract of its own, titled by the tender's `name`, and numbered
    by the positions of the item and the supplier (the publisher's item `number` is not the tender item's)."""
    ocid = release.get("ocid", "")
    award_id = f"{ocid}/{award.get('id', '')}"
    rows = []
    for item_number, item in enumerate(award["items"], 1):
        suppliers = item.get("suppliers") if isinstance(item, dict) else None
        if not isinstance(suppliers, list) or not suppliers:
            rows.append(
                {
                    **base,
                    "contract_id": f"{award_id}/{item_number}",
                    "source_problem": f"award item {item_number} names no supplier",
                }
            )
            continue
        for supplier_number, supplier in enumerate(suppliers, 1):
            supplier = supplier if isinstance(supplier, dict) else {}
            value = supplier.get("awardValue") if isinstance(supplier.get("awardValue"), dict) else {}
            rows.append(
                {
                    **base,
                    "contract_id": f"{award_id}/{item_number}/{supplier_number}",
                    "award_date": (award.get("awardDate") or "")[:10] or None,
                    "supplier_name": _legal_name(supplier),
                    "amount": None if value.get("amount") is None else str(value["amount"]),
                    "currency": value.get("currency"),
                    "title": release.get("name"),
                    "notice_type": "award",
                    "source_problem": None,
                }
            )
    if not rows:
        rows.append({**base, "contract_id": award_id, "source_problem": "the award object lists no item"})
    return rows
