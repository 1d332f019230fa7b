"""The document workbench's routes: upload a policy, draft its rules, check, save, then ask.

Upload → its provisions, hierarchy and warnings (`graph.catalogue`); draft (`rules.draft`);
answer the review questions in the page; check (`rules.check`); save into the workspace as a
rules file plus a corpus manifest (engine/corpus.py's format); the calculator then answers
over that corpus (``/?corpus=ID``). The rules format is the library's: the page edits the
drafted mapping and the library dumps, checks and loads it.

Files: ``WORKSPACE/uploads/ID/NAME.EXT`` (the bytes as sent; ID made here, NAME the client's
file stem reduced to letters, digits, CJK, ``-`` and ``_`` so the loaders can title the policy
after it, else ``document``), ``WORKSPACE/uploads/ID.json`` (the client's file name, as text), ``WORKSPACE/rules/ID[-N].rules.yaml`` and
``WORKSPACE/corpora/CID.yaml``. Each is created exclusively (O_EXCL): nothing is overwritten.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, Query, Request

from policykg.errors import InputError, PolicyKGError


def _doc_path(ws: Path, doc_id: str) -> Path:
    from policykg.server.http import ID

    if not isinstance(doc_id, str) or not ID.fullmatch(doc_id):
        raise InputError(f"document {doc_id!r}: not a document id; upload the document first")
    meta = ws / "uploads" / f"{doc_id}.json"
    if not meta.is_file():
        raise InputError(f"document {doc_id!r}: no such upload; upload the document first")
    return ws / "uploads" / doc_id / json.loads(meta.read_text(encoding="utf-8"))["file"]


def safe_stem(name: str) -> str:
    """The client's file stem with only letters, digits, CJK, - and _ (at most 60), else 'document':
    no separator, dot or control character of the client's name reaches the disk."""
    stem = re.sub(r"[^\w\-]+", "-", Path(name.replace("\\", "/")).stem, flags=re.UNICODE).strip("-_")[:60]
    return stem if stem and stem.isprintable() else "document"


def describe(path: Path, doc_id: str, name: str, as_of: date) -> dict:
    """What the page shows of an uploaded document: provisions, hierarchy (policy → section →
    provision) and the loader's warnings."""
    from policykg.graph import load_graph
    from policykg.graph.catalogue import list_documents, list_provisions
    from policykg.output import to_json
    from policykg.rules.documents import read_document

    text = read_document(path)
    graph = load_graph(str(path), rules=False)
    docs = json.loads(to_json(list_documents(graph, as_of)))
    rows = json.loads(to_json(list_provisions(graph, as_of)))
    hierarchy: list[dict] = []
    for r in rows:
        if not hierarchy or hierarchy[-1]["policy"] != r.get("policy"):
            hierarchy.append({"policy": r.get("policy"), "sections": []})
        sections = hierarchy[-1]["sections"]
        if not sections or sections[-1]["industry"] != r.get("industry"):
            sections.append({"industry": r.get("industry"), "provisions": []})
        sections[-1]["provisions"].append(r.get("seq"))
    return {
        "id": doc_id, "name": name, "title": text.title, "number": text.number, "sha256": text.sha256,
        "document": docs[0] if docs else None,
        "warnings": [w for d in docs for w in d.get("warnings", [])],
        "provisions": [{"seq": p.seq, "label": p.label, "text": p.text} for p in text.provisions],
        "rows": rows,
        "hierarchy": hierarchy,
    }


def _rules_text(body: dict) -> str:
    """The rules to check or save: `yaml` as typed, or the drafted mapping `rules` dumped as the CLI does."""
    from policykg.rules.draft import dump_draft

    if isinstance(body.get("yaml"), str):
        return body["yaml"]
    if isinstance(body.get("rules"), dict):
        return dump_draft(body["rules"])
    raise InputError("rules: send the rules as `rules` (the drafted mapping) or `yaml` (the file's text)")


def _check(rules_path: Path, doc: Path) -> dict:
    """`rules check` as JSON, naming the rules `rules.yaml` and the document by its file name
    (the workspace's folders stay out of what the page shows)."""
    from policykg.rules.check import check_rules

    report = check_rules(rules_path, [doc]).as_dict()
    for key in ("errors", "reviews", "uncovered"):
        report[key] = [line.replace(str(rules_path), "rules.yaml") for line in report[key]]
    report["documents"] = [doc.name]
    report["rules"] = "rules.yaml"
    return report


def add_routes(app: FastAPI, svc, cfg) -> None:
    from policykg.server.http import DOCUMENT_TYPES, body_json, day_param, write_new, as_object, read_upload

    @app.post("/api/workbench/documents", tags=["workbench"], status_code=201,
              summary="Upload a policy document (.txt, .docx, .html, .pdf): its provisions, hierarchy, warnings",
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                  "type": "object", "required": ["file"],
                  "properties": {"file": {"type": "string", "format": "binary"}}}}}}})
    async def upload(request: Request, as_of: str | None = Query(None)):
        ws = svc.need_writes()
        name, data, suffix = await read_upload(request, "file", DOCUMENT_TYPES, cfg.max_upload)
        day = day_param(as_of, "as_of") or date.today()
        doc_id = uuid.uuid4().hex
        folder = ws / "uploads" / doc_id
        folder.mkdir()
        path = folder / f"{safe_stem(name)}{suffix}"
        write_new(path, data)

        def work():
            try:
                out = describe(path, doc_id, name, day)
            except PolicyKGError:
                path.unlink(missing_ok=True)  # a document the loaders cannot read is not kept
                folder.rmdir()
                raise
            write_new(ws / "uploads" / f"{doc_id}.json",
                      json.dumps({"name": name, "file": path.name}, ensure_ascii=False).encode("utf-8"))
            return out

        from fastapi.responses import JSONResponse

        return JSONResponse(await anyio.to_thread.run_sync(work), status_code=201)

    @app.get("/api/workbench/documents", tags=["workbench"], summary="The documents uploaded to the workspace")
    def uploads():
        if svc.workspace is None:
            return {"documents": []}
        out = []
        for meta in sorted((svc.workspace / "uploads").glob("*.json"), key=os.path.getmtime):
            info = json.loads(meta.read_text(encoding="utf-8"))
            out.append({"id": meta.stem, "name": info["name"]})
        return {"documents": out}

    @app.post("/api/workbench/draft", tags=["workbench"], summary="Draft the rules of an uploaded document",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["document"], "properties": {"document": {"type": "string"}}}}}}})
    async def draft(request: Request):
        """The drafted rules mapping (docs/rules.md) and its YAML, as `policykg rules draft` writes it."""
        from policykg.rules.documents import read_document
        from policykg.rules.draft import draft_documents, dump_draft

        if svc.workspace is None:
            raise InputError("no workspace: start the server with --workspace DIR --allow-writes")
        body = as_object(await body_json(request), "body")
        path = _doc_path(svc.workspace, body.get("document"))

        def work():
            doc = draft_documents([read_document(path)])
            return {"rules": doc, "yaml": dump_draft(doc),
                    "review": sum(1 for i in doc["incentives"] if i.get("review"))}

        return await anyio.to_thread.run_sync(work)

    @app.post("/api/workbench/check", tags=["workbench"], summary="Check rules against the uploaded document",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["document"],
                  "properties": {"document": {"type": "string"}, "rules": {"type": "object"},
                                 "yaml": {"type": "string"}}}}}}})
    async def check(request: Request):
        """`policykg rules check RULES --source DOC --format json` on the rules sent."""
        import tempfile

        if svc.workspace is None:
            raise InputError("no workspace: start the server with --workspace DIR --allow-writes")
        body = as_object(await body_json(request), "body")
        path = _doc_path(svc.workspace, body.get("document"))
        text = _rules_text(body)

        def work():
            with tempfile.TemporaryDirectory(prefix="policykg-check-") as tmp:
                rules_path = Path(tmp) / "rules.yaml"
                rules_path.write_text(text, encoding="utf-8")
                return _check(rules_path, path)

        return await anyio.to_thread.run_sync(work)

    @app.post("/api/workbench/save", tags=["workbench"], status_code=201,
              summary="Save checked rules into the workspace, with a corpus the calculator can answer from",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["document"],
                  "properties": {"document": {"type": "string"}, "rules": {"type": "object"},
                                 "yaml": {"type": "string"}}}}}}})
    async def save(request: Request):
        """Refused while the check reports an error or a review item; never replaces a file."""
        ws = svc.need_writes()
        body = as_object(await body_json(request), "body")
        doc_id = body.get("document")
        path = _doc_path(ws, doc_id)
        text = _rules_text(body)

        def work() -> dict[str, Any]:
            rules_dir = ws / "rules"
            tmp = rules_dir / f".{uuid.uuid4().hex}.tmp"
            write_new(tmp, text.encode("utf-8"))
            try:
                report = _check(tmp, path)
                if not report["ok"]:
                    raise InputError(f"the rules do not pass the check yet ({len(report['errors'])} error(s), "
                                     f"{len(report['reviews'])} review item(s)); resolve them, check, then save")
                n = 1
                while True:  # a new name each time: an earlier save stays as it was
                    final = rules_dir / (f"{doc_id}.rules.yaml" if n == 1 else f"{doc_id}-{n}.rules.yaml")
                    try:
                        os.link(tmp, final)
                        break
                    except FileExistsError:
                        n += 1
            finally:
                tmp.unlink(missing_ok=True)
            corpus_id = uuid.uuid4().hex
            manifest = ws / "corpora" / f"{corpus_id}.yaml"
            write_new(manifest, json.dumps({"documents": [f"../uploads/{doc_id}/{path.name}"],
                                             "rules": [f"../rules/{final.name}"]}).encode("utf-8"))
            try:
                svc.corpus(corpus_id)  # loads strictly now, so the calculator link works
            except PolicyKGError:
                manifest.unlink(missing_ok=True)
                final.unlink(missing_ok=True)
                raise
            return {"rules": f"rules/{final.name}", "corpus": corpus_id, "calculator": f"/?corpus={corpus_id}",
                    "check": report}

        from fastapi.responses import JSONResponse

        return JSONResponse(await anyio.to_thread.run_sync(work), status_code=201)
