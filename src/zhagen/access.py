"""Who may see and change what: the one access policy of a shared project.

Every face (the web workbench's routes, its change feed, its history and its exports) asks
this module; the library enforces it wherever an :class:`Actor` is passed (``actor=`` on
:class:`zhagen.Project`'s edits), so a route cannot forget a rule. Library calls without an
actor (scripts, the CLI: the person who holds the project file) may do everything.

An **actor** is a coder name, a role and whether blind coding is on:

- roles rank ``viewer`` < ``coder`` < ``owner``: a viewer reads, a coder also codes and
  edits the code tree, the owner also manages accounts and settings and may change
  anyone's work;
- an **item** is a coding, memo, history entry or change with an ``owner`` (the coder who
  made it; None for shared things such as the code tree, relations and the storyline).

The rules:

1. *Blind coding*: an item of another coder is invisible — for every role, the owner's
   own coding included — and asking for it answers exactly as for an item that does not
   exist (:class:`NotFound`), so neither its existence nor its coder leaks.
2. *Own work*: a coder changes or deletes only their own codings and memos (shared
   items: anyone from coder up); the owner changes anyone's.
3. *Restructuring the code tree* (merge, force-delete, move, split) is allowed to a coder
   only where every coding and memo it affects is theirs; otherwise only the owner may.
4. *Undo and redo* take the actor's own edits only.
5. *Revealing everyone's work at once* (agreement, which ends blind coding; an export of
   every coder's codings) is, coding blind, the owner's decision alone.

>>> alice = Actor("甲", "coder")
>>> mine, theirs = Item("coding", 1, "甲"), Item("coding", 2, "乙")
>>> allowed(alice, "change", mine), allowed(alice, "change", theirs)
(True, False)
>>> visible(Actor("甲", "coder", blind=True), theirs)
False
>>> allowed(alice, "restructure", Item("code", 5, affects=frozenset({"甲", "乙"})))
False
>>> allowed(Actor("o", "owner"), "restructure", Item("code", 5, affects=frozenset({"乙"})))
True
>>> allowed(Actor("甲", "coder", blind=True), "reveal", Item("project"))
False
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from zhagen.errors import ZhagenError

__all__ = [
    "ROLES",
    "ACTIONS",
    "Actor",
    "Item",
    "AccessDenied",
    "NotFound",
    "allowed",
    "visible",
    "require",
    "coder_filter",
    "not_found",
]

#: Role → rank: a role may do what every lower rank may do.
ROLES = {"viewer": 0, "coder": 1, "owner": 2}
#: Action → the lowest role that may do it at all (the item rules come on top).
ACTIONS = {"read": "viewer", "add": "coder", "change": "coder", "restructure": "coder",
           "undo": "coder", "reveal": "viewer", "manage": "owner"}  # fmt: skip
_WHAT = {"coding": ("编码记录", "coding"), "memo": ("备忘录", "memo"), "code": ("编码", "code"),
         "relation": ("关系", "relation"), "change": ("改动", "change"),
         "history": ("编辑记录", "edit"), "set": ("集合", "set"),
         "attribute": ("属性", "attribute")}  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """Who asks: a coder name, a role (viewer, coder, owner) and whether coding is blind.

    >>> Actor("甲", "coder").can("viewer"), Actor("甲", "viewer").can("coder")
    (True, False)
    """

    name: str
    role: str = "owner"
    blind: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; one of {', '.join(ROLES)}")

    def can(self, role: str) -> bool:
        """Whether this actor's role is at least ``role``."""
        return ROLES[self.role] >= ROLES[role]


@dataclass(frozen=True)
class Item:
    """What an action is about: its kind, id, owner (coder name; None: shared) and, for a
    code-tree restructuring, the coders whose codings or memos it ``affects``."""

    kind: str
    id: int | None = None
    owner: str | None = None
    affects: frozenset[str] = field(default_factory=frozenset)


class AccessDenied(ZhagenError):
    """The actor may see the item but not do this to it (HTTP 403)."""

    http_status = 403


class NotFound(ZhagenError):
    """No such item — or one the actor may not see, which answers the same (HTTP 404)."""

    http_status = 404


def not_found(kind: str, ident: object) -> NotFound:
    """The error for a missing (or invisible) item; the same words either way.

    >>> not_found("coding", 3).en
    'no coding with id 3'
    """
    zh, en = _WHAT.get(kind, (kind, kind))
    return NotFound(f"没有编号为 {ident} 的{zh}", f"no {en} with id {ident}")


def visible(actor: Actor | None, item: Item) -> bool:
    """Whether ``actor`` may know of ``item`` (rule 1: blind coding hides others' work).

    >>> visible(Actor("甲", "owner", blind=True), Item("memo", 1, None))
    True
    """
    if actor is None or not actor.blind or item.owner is None:
        return True
    return item.owner == actor.name


def allowed(actor: Actor | None, action: str, target: Item) -> bool:
    """Whether ``actor`` may do ``action`` (a key of :data:`ACTIONS`) to ``target``.

    >>> allowed(Actor("v", "viewer"), "read", Item("coding", 1, "甲"))
    True
    >>> allowed(Actor("v", "viewer"), "add", Item("coding"))
    False
    """
    if actor is None:
        return True
    if not actor.can(ACTIONS[action]) or not visible(actor, target):
        return False
    if action == "change":
        return target.owner in (None, actor.name) or actor.can("owner")
    if action == "restructure":
        return actor.can("owner") or target.affects <= {actor.name}
    if action == "undo":
        return target.owner == actor.name
    if action == "reveal":
        return not actor.blind or actor.can("owner")
    return True


def require(actor: Actor | None, action: str, target: Item) -> None:
    """Raise unless :func:`allowed`: :class:`NotFound` for an item the actor may not see
    (the answer for a missing one), else :class:`AccessDenied` saying why.

    >>> require(Actor("甲", "coder", blind=True), "change", Item("coding", 9, "乙"))
    Traceback (most recent call last):
    zhagen.access.NotFound: 没有编号为 9 的编码记录 / no coding with id 9
    """
    if allowed(actor, action, target):
        return
    assert actor is not None
    if not visible(actor, target):
        raise not_found(target.kind, target.id)
    need = ACTIONS[action]
    if not actor.can(need):
        zh = {"coder": "编码员", "owner": "项目所有者"}.get(need, need)
        raise AccessDenied(
            f"需要「{zh}」权限；你的角色是 {actor.role}",
            f"this needs the {need} role; yours is {actor.role}",
        )
    if action == "reveal":
        raise AccessDenied(
            "盲编码进行中：只有项目所有者可以查看或导出全部编码员的编码（计算一致性后盲编码结束）",
            "blind coding is on: only the project owner can see or export every coder's "
            "codings (computing agreement ends blind coding)",
        )
    if action == "restructure":
        others = sorted(target.affects - {actor.name})
        who_zh = "其他编码员" if actor.blind else "、".join(f"「{o}」" for o in others)
        who_en = "other coders" if actor.blind else ", ".join(repr(o) for o in others)
        raise AccessDenied(
            f"这会改动{who_zh}的编码或备忘录；只有项目所有者可以这样调整编码树",
            f"this would change codings or memos of {who_en}; only the project owner may "
            "restructure the code tree there",
        )
    zh, en = _WHAT.get(target.kind, (target.kind, target.kind))
    raise AccessDenied(
        f"这条{zh}属于编码员「{target.owner}」；只能修改自己的{zh}",
        f"this {en} belongs to coder '{target.owner}'; you can change only your own",
    )


def coder_filter(actor: Actor | None, requested: str | None = None) -> str | None:
    """Whose work a retrieval shows: the actor's own in blind mode, else ``requested``
    (None: everyone's).

    >>> coder_filter(Actor("甲", "coder", blind=True), "乙"), coder_filter(Actor("甲"), "乙")
    ('甲', '乙')
    """
    if actor is not None and actor.blind:
        return actor.name
    return requested or None


def owners(names: Iterable[str | None]) -> frozenset[str]:
    """The coder names among ``names`` (shared items, None, affect no coder).

    >>> sorted(owners(["甲", None, "乙", "甲"]))
    ['乙', '甲']
    """
    return frozenset(n for n in names if n is not None)
