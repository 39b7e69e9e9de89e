"""``project.llm``: ask a language model endpoint for suggestions, safely and reproducibly.

Nothing leaves the machine unless an endpoint is given. An endpoint that is not on this
machine (:func:`~zhagen.suggest.llm.client.is_local`: loopback only) is refused until the
researcher confirms, once per project and endpoint origin, that the project's text may be
sent there (:meth:`LLM.confirm_remote`, ``--yes-send-to-remote``; the notice is
:data:`REMOTE_NOTICE`). The API key is read from an environment variable, never stored.

Every reply is cached in the project by its prompt hash: a re-run of the same task, model,
prompt and parameters over the same sentences sends nothing and gives the same suggestions.
Each run is recorded (``runs``, kind ``suggest-llm``) with its parameters and counts.

The suggestions are plain dicts with the fields of ``zhagen.suggest.model.Suggestion``
(``project.suggestions.add_many`` stores them); they are never codings.

>>> from zhagen.examples import tiny_project
>>> with tiny_project() as p:
...     llm = LLM(p.documents, p.codes, p.codings)
...     llm.remote_confirmed("https://api.deepseek.com/v1"), llm.remote_confirmed("http://localhost:8080")
(False, True)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from zhagen import access
from zhagen.access import Actor
from zhagen.errors import ParameterError
from zhagen.params import check, make, takes
from zhagen.store import llm_cache as cache
from zhagen.store.runs import record_run
from zhagen.suggest.llm import tasks
from zhagen.suggest.llm.endpoint import is_local, origin
from zhagen.suggest.llm.params import LLMParams
from zhagen.suggest.llm.prompts import load_prompt
from zhagen.suggest.llm.schema import parse_reply

if TYPE_CHECKING:
    from zhagen.coding.api import Codes, Codings, DocumentSource

__all__ = ["LLM", "LLMRun", "REMOTE_NOTICE", "remote_notice"]

#: What a researcher is told before text is sent to an endpoint off this machine.
REMOTE_NOTICE = (
    "端点 {origin} 不在本机。继续将把项目中的句子、编码本（编码名称、说明和范例）发送到该服务，"
    "由其运营方处理与保存；请确认这符合研究伦理审批、数据协议和知情同意。确认一次后本项目对该地址"
    "不再询问。",
    "The endpoint {origin} is not on this machine. Going on sends the project's sentences and "
    "code book (code names, descriptions and examples) to that service, where its operator "
    "processes and may keep them; make sure your ethics approval, data agreements and "
    "participants' consent allow it. Once confirmed, this project does not ask again for "
    "this address.",
)


def remote_notice(endpoint: str) -> tuple[str, str]:
    """The bilingual notice for ``endpoint`` (Chinese, English).

    >>> remote_notice("https://api.deepseek.com/v1")[1][:46]
    'The endpoint https://api.deepseek.com:443 is n'
    """
    where = origin(endpoint)
    return REMOTE_NOTICE[0].format(origin=where), REMOTE_NOTICE[1].format(origin=where)


@dataclass
class LLMRun:
    """The result of :meth:`LLM.run`: suggestion dicts (sentence tasks), proposal dicts
    (axial, storyline), problems (dicts with ``severity``, ``kind``, ``zh``, ``en``,
    ``prompt_hash``, ``sentences``), and counts: ``requests`` planned, ``sent`` over HTTP,
    ``cached`` answered from the project, ``failed``; ``sentences`` sent or looked up."""

    task: str
    model: str
    endpoint: str
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    sent: int = 0
    cached: int = 0
    failed: int = 0
    sentences: int = 0
    run_id: int | None = None

    def summary(self) -> dict[str, Any]:
        """The counts (what ``runs`` records)."""
        keep = ("requests", "sent", "cached", "failed", "sentences")
        out = {k: v for k, v in asdict(self).items() if k in keep}
        out |= {"suggestions": len(self.suggestions), "proposals": len(self.proposals),
                "problems": len(self.problems)}  # fmt: skip
        return out


class LLM:
    """Suggestions from an OpenAI-compatible endpoint (``project.llm``)."""

    def __init__(
        self,
        documents: DocumentSource,
        codes: Codes,
        codings: Codings,
        scope: Callable[..., Any] | None = None,
    ) -> None:
        # ``scope``: the project's Project.scope (resolving a query needs the layer above)
        self._scope = scope
        self._docs = documents
        self._store = documents.store
        self._codes = codes
        self._codings = codings

    def __repr__(self) -> str:
        return f"<LLM of {self._store.path!s}>"

    def remote_confirmed(self, endpoint: str) -> bool:
        """Whether text may go to ``endpoint``: it is local, or its origin was confirmed."""
        return is_local(endpoint) or cache.consented(self._store, origin(endpoint))

    def remote_notice(self, endpoint: str) -> tuple[str, str]:
        """What sending text to ``endpoint`` means, in Chinese and English."""
        return remote_notice(endpoint)

    def confirm_remote(self, endpoint: str, *, actor: Actor | None = None) -> None:
        """Record, once for this project, that text may be sent to ``endpoint``'s origin
        (:func:`remote_notice` is what the researcher agrees to). Logged."""
        access.require(actor, "manage", access.Item("code"))
        if not is_local(endpoint):
            cache.record_consent(self._store, origin(endpoint), actor=actor.name if actor else "")

    @takes(LLMParams)
    def run(
        self,
        *,
        doc_ids: Collection[int] | None = None,
        confirm_remote: bool = False,
        api_key: str | None = None,
        actor: Actor | None = None,
        **params: Any,
    ) -> LLMRun:
        """Ask the endpoint to do ``task`` and return its suggestions or proposals.

        ``doc_ids`` and ``scope`` (a query, ``set:NAME`` for a set) limit the documents
        (both None: every document). The sentence
        tasks send the sentences no coding covers yet (of ``coder``, if given), at most
        ``limit``; ``deductive`` sends the code book with up to ``examples`` codings per
        code; ``axial`` the level-1 concepts (every code when no code has a level);
        ``storyline`` the main categories (level 3, else level 2, else top-level codes).
        ``confirm_remote=True`` records the consent for a non-local endpoint first;
        without it, a non-local endpoint not yet confirmed is a :class:`ParameterError`
        and nothing is sent. ``api_key`` defaults to the environment variable
        ``api_key_env``. One failed request is a problem in the result, never an error.
        """
        p = make(LLMParams, params)
        if actor is not None and actor.blind:
            p.coder = actor.name  # a blind coder's examples and skips are their own
        check(p)
        if not self.remote_confirmed(p.endpoint):
            if not confirm_remote:
                zh, en = remote_notice(p.endpoint)
                raise ParameterError(
                    f"{zh} 确认请加 --yes-send-to-remote（库：confirm_remote=True）；未发送任何内容。",
                    f"{en} To confirm, add --yes-send-to-remote (library: confirm_remote=True); "
                    "nothing was sent.",
                )
            self.confirm_remote(p.endpoint, actor=actor)
        planned, inputs, settings, notes = self._plan(p, doc_ids, actor)
        result = LLMRun(p.task, p.model, origin(p.endpoint), problems=notes)
        result.requests = len(planned)
        result.sentences = len(inputs) if p.task in tasks.SENTENCE_TASKS else 0
        outcomes = self._answer(p, planned, api_key, result)
        for outcome in outcomes:
            result.suggestions += outcome.suggestions
            result.proposals += outcome.proposals
            result.problems += outcome.problems
        result.run_id = record_run(self._store, "suggest-llm", settings, result.summary())
        return result

    @takes(LLMParams)
    def preview(
        self, *, doc_ids: Collection[int] | None = None, actor: Actor | None = None, **params: Any
    ) -> list[dict[str, Any]]:
        """What :meth:`run` with the same arguments would send, without sending anything
        (no endpoint is contacted, no consent is needed): one dict per request with its
        ``prompt_hash``, ``messages``, ``schema``, ``params`` (sampling), ``sentences``
        (``[document, index]`` pairs) and ``cached`` (answered from the project, not sent).

        >>> from zhagen.examples import tiny_project
        >>> with tiny_project() as p:
        ...     [first, *_] = p.llm.preview(endpoint="https://api.deepseek.com", model="m", task="open")
        ...     first["cached"], first["messages"][1]["content"].count("[1] ")
        (False, 1)
        """
        p = make(LLMParams, params)
        check(p)
        planned = self._plan(p, doc_ids, actor)[0]
        hits = cache.cached_replies(self._store, (x.request.prompt_hash for x in planned))
        return [
            {
                "prompt_hash": x.request.prompt_hash,
                "messages": x.request.messages,
                "schema": x.request.schema,
                "params": x.request.params,
                "sentences": [[s["document"], s["sentence"]] for s in x.items if "sentence" in s],
                "cached": x.request.prompt_hash in hits,
            }  # fmt: skip
            for x in planned
        ]

    def _plan(
        self, p: LLMParams, doc_ids: Collection[int] | None, actor: Actor | None
    ) -> tuple[list[tasks.Planned], list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
        """(requests, inputs, settings recorded with the run, notes) of a run."""
        prompt = load_prompt(p.task, p.prompt)
        if p.scope is not None and self._scope is not None:
            chosen = self._scope(p.scope, actor=actor)
            if chosen.doc_ids is not None:
                if not chosen.doc_ids:
                    raise ParameterError(
                        f"范围 {p.scope} 没有选中任何文档；请检查查询或集合（zhagen set list）",
                        f"the scope {p.scope} selects no documents; check the query or the set "
                        "(`zhagen set list`)",
                    )
                ids = chosen.doc_ids if doc_ids is None else set(doc_ids)
                doc_ids = [d for d in ids if d in chosen.doc_ids]
        inputs, codebook, notes = self._inputs(p, doc_ids)
        settings = {k: v for k, v in asdict(p).items() if k not in ("prompt", "api_key_env")}
        settings |= {"endpoint": origin(p.endpoint), "prompt_file": p.prompt or ""}
        planned = tasks.plan(
            p.task, inputs, model=p.model, codebook=codebook, prompt=prompt,
            batch_size=p.batch_size, top=p.top, temperature=p.temperature, seed=p.seed,
            max_tokens=p.max_tokens, parameters=settings,
        )  # fmt: skip
        return planned, inputs, settings, notes

    # -- asking, with the cache ------------------------------------------------------------
    def _answer(
        self, p: LLMParams, planned: list[tasks.Planned], api_key: str | None, result: LLMRun
    ) -> list[tasks.Outcome]:
        outcomes: list[tasks.Outcome | None] = [None] * len(planned)
        hits = cache.cached_replies(self._store, (x.request.prompt_hash for x in planned))
        waiting: dict[str, list[int]] = {}  # prompt hash → the planned requests it answers
        for i, x in enumerate(planned):
            content = hits.get(x.request.prompt_hash)
            value, errors = parse_reply(content, x.request.schema) if content else (None, ["-"])
            if not errors:
                outcomes[i] = tasks.read(x, value)
                result.cached += 1
            else:
                waiting.setdefault(x.request.prompt_hash, []).append(i)
        if waiting:
            from zhagen.suggest.llm.client import ChatClient

            key = api_key if api_key is not None else os.environ.get(p.api_key_env) or None
            client = ChatClient(
                p.endpoint, p.model, api_key=key, allow_remote=self.remote_confirmed(p.endpoint),
                timeout=p.timeout, retries=p.retries, backoff=p.backoff,
                concurrency=p.concurrency, response_format=p.response_format,
            )  # fmt: skip
            first = [planned[ids[0]] for ids in waiting.values()]
            for j, reply in client.complete_iter([x.request for x in first]):
                x = first[j]
                result.sent += 1
                if reply.ok:
                    # kept at once: an interrupted run keeps (and never pays again for) it
                    cache.insert_reply(
                        self._store, x.request.prompt_hash, model=p.model, task=p.task,
                        prompt_version=x.prompt_version, endpoint=origin(p.endpoint),
                        request={"messages": x.request.messages, "params": x.request.params,
                                 "response_format": reply.response_format},
                        reply=reply.content,
                    )  # fmt: skip
                for i in waiting[x.request.prompt_hash]:
                    if reply.ok:
                        outcomes[i] = tasks.read(planned[i], reply.value)
                    else:
                        result.failed += 1
                        outcomes[i] = tasks.failed(planned[i], reply.zh, reply.en, reply.kind)
        return [o for o in outcomes if o is not None]

    # -- what is sent ----------------------------------------------------------------------
    def _inputs(
        self, p: LLMParams, doc_ids: Collection[int] | None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """(inputs, code book, notes) of a run: what will be sent, read from the project."""
        codings = self._codings.frame(coder=p.coder)
        codes = self._codes.frame()
        notes: list[dict[str, Any]] = []
        wanted = None if doc_ids is None else {int(d) for d in doc_ids}
        if p.task in tasks.SENTENCE_TASKS:
            coded: dict[int, list[tuple[int, int]]] = {}
            for row in codings.itertuples():
                coded.setdefault(int(row.document), []).append((int(row.start), int(row.end)))
            sentences = _uncoded_sentences(self._docs, wanted, coded, p.limit + 1)
            if len(sentences) > p.limit:
                sentences = sentences[: p.limit]
                notes.append(_note("limit", f"只发送前 {p.limit} 个未编码句子（--limit）",
                                   f"only the first {p.limit} uncoded sentences are sent (--limit)"))  # fmt: skip
            book = _codebook(codes, codings, p.examples) if p.task == "deductive" else []
            return sentences, book, notes
        if p.task == "axial":
            return _concepts(codes, codings, p.examples), [], notes
        return _categories(codes), [], notes


def _note(kind: str, zh: str, en: str) -> dict[str, Any]:
    return {"severity": "warning", "kind": kind, "zh": zh, "en": en, "prompt_hash": None,
            "sentences": []}  # fmt: skip


def _uncoded_sentences(
    documents: DocumentSource,
    wanted: set[int] | None,
    coded: dict[int, list[tuple[int, int]]],
    limit: int,
) -> list[dict[str, Any]]:
    """Sentences (document order) that no coding overlaps, without mojibake, up to ``limit``."""
    out: list[dict[str, Any]] = []
    for doc in documents.ids():
        if wanted is not None and doc not in wanted:
            continue
        spans = coded.get(doc, [])
        for row in documents.sentences(doc).itertuples():
            if row.garbled or not str(row.text).strip():
                continue
            if any(s < row.end and row.start < e for s, e in spans):
                continue
            out.append({"document": int(doc), "sentence": int(row.idx), "start": int(row.start),
                        "end": int(row.end), "text": str(row.text)})  # fmt: skip
            if len(out) >= limit:
                return out
    return out


def _examples(codings: Any, per_code: int) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if per_code <= 0:
        return out
    for row in codings.itertuples():
        texts = out.setdefault(int(row.code), [])
        if len(texts) < per_code and str(row.text).strip() and row.text not in texts:
            texts.append(str(row.text))
    return out


def _codebook(codes: Any, codings: Any, per_code: int) -> list[dict[str, Any]]:
    examples = _examples(codings, per_code)
    return [
        {
            "id": int(c.id),
            "name": str(c.name),
            "description": str(c.description or ""),
            "examples": examples.get(int(c.id), []),
        }  # fmt: skip
        for c in codes.itertuples()
    ]


def _level(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _concepts(codes: Any, codings: Any, per_code: int) -> list[dict[str, Any]]:
    rows = list(codes.itertuples())
    concepts = [c for c in rows if _level(c.level) == 1] or rows
    examples = _examples(codings, per_code)
    return [
        {
            "name": str(c.name),
            "description": str(c.description or ""),
            "quotes": examples.get(int(c.id), []),
        }  # fmt: skip
        for c in concepts
    ]


def _categories(codes: Any) -> list[dict[str, Any]]:
    rows = list(codes.itertuples())
    main: Sequence[Any] = (
        [c for c in rows if _level(c.level) == 3]
        or [c for c in rows if _level(c.level) == 2]
        or [c for c in rows if _level(c.parent) is None]
    )
    children: dict[int, list[str]] = {}
    for c in rows:
        if _level(c.parent) is not None:
            children.setdefault(int(c.parent), []).append(str(c.name))
    return [
        {
            "name": str(c.name),
            "description": str(c.description or ""),
            "members": children.get(int(c.id), []),
        }  # fmt: skip
        for c in main
    ]
