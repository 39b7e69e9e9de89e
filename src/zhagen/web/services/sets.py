"""Sets of documents and the scope of an analysis, for the workbench: list, create (from a
query, from chosen documents, or from the document list's current filter), add, remove,
delete, and how many documents a scope query selects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhagen.access import Actor
    from zhagen.project import Project

__all__ = ["list_sets", "create_set", "change_members", "delete_set", "scope_info"]


def list_sets(p: Project, actor: Actor | None) -> list[dict[str, Any]]:
    """Every set with its number of documents now (a query set evaluated)."""
    return [s.as_dict() for s in p.sets.list(actor=actor)]


def create_set(
    p: Project,
    name: str,
    *,
    query: str | None,
    doc_ids: list[int] | None,
    filters: dict[str, Any] | None,
    description: str,
    actor: Actor | None,
) -> dict[str, Any]:
    """A new set: a query set, a static set of ``doc_ids``, or (``filters``, the document
    list's ``q``/``type``/``year``/``source``/``coded``/``coder``/``scope``) a static set of
    every document the list shows now."""
    if filters is not None:
        allowed = {"q", "type", "year", "source", "coded", "coder", "scope"}
        given = {k: v for k, v in filters.items() if k in allowed and v not in (None, "")}
        if "coded" in given:  # as the list's query string sends it
            given["coded"] = str(given["coded"]).lower() in ("true", "1", "yes")
        if "year" in given:
            given["year"] = int(given["year"])
        if "scope" in given:
            given["scope"] = p.scope(str(given["scope"]), actor=actor)
        doc_ids = p.documents.find(**given).ids
    info = p.sets.create(name, query=query, doc_ids=doc_ids, description=description,
                         actor=actor)  # fmt: skip
    return info.as_dict()


def change_members(
    p: Project, name: str, doc_ids: list[int], *, add: bool, actor: Actor | None
) -> dict[str, Any]:
    """Add documents to (or remove them from) a static set; the set as listed after."""
    if add:
        changed = p.sets.add(name, doc_ids, actor=actor)
    else:
        changed = p.sets.remove(name, doc_ids, actor=actor)
    return {**p.sets.get(name, actor=actor).as_dict(), "changed": changed}


def delete_set(p: Project, name: str, actor: Actor | None) -> dict[str, Any]:
    p.sets.delete(name, actor=actor)
    return {"deleted": name}


def scope_info(p: Project, scope: str | None, actor: Actor | None) -> dict[str, Any]:
    """What a scope query selects: the query, how many documents of how many, and the
    scope in words (Chinese, English)."""
    s = p.scope(scope, actor=actor)
    return {**s.as_dict(), "zh": s.describe("zh"), "en": s.describe("en")}
