"""A local HTTP server on 127.0.0.1 that plays BigQuery's REST API (v2) and Google's OAuth token endpoint.

It answers the calls google-cloud-bigquery makes for a query: jobs.insert (dry run or real), jobs.get,
and jobs.getQueryResults, page by page. Tables live in an in-memory DuckDB, named as in BigQuery
(`project.dataset.table`); a table with a _PARTITIONTIME column is ingestion-time partitioned. A query
arrives in BigQuery's SQL with named parameters; the server transpiles it with sqlglot to DuckDB and runs
it with the job's parameters, so what comes back is what the SQL asks for.

Bytes, as BigQuery prices them: each column the query names costs, for every row of the partitions it
scans, 8 bytes (INT64, FLOAT64, TIMESTAMP) or 2 bytes plus the string's length (STRING). The partitions
scanned are those the query's conditions on _PARTITIONTIME keep; without such a condition, every row.
A job whose bytes exceed its maximumBytesBilled fails as BigQuery fails it (bytesBilledLimitExceeded).
Every API call must carry the bearer token that the token endpoint handed out.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

ACCESS_TOKEN = "ya29.fake-access-token-never-to-be-logged"
_BQ_TYPES = {
    "BIGINT": "INTEGER",
    "INTEGER": "INTEGER",
    "DOUBLE": "FLOAT",
    "VARCHAR": "STRING",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
    "DATE": "DATE",
}


class FakeBigQuery:
    def __init__(self, tables: dict[str, pa.Table], page_rows: int = 500):
        self.page_rows = page_rows
        self.db = duckdb.connect()
        self.lock = threading.Lock()
        self.calls: list[dict] = []  # method, path, body: every API call, for tests to inspect
        self.jobs: dict[str, dict] = {}
        self.tokens_issued = 0
        for name, table in tables.items():
            project, dataset, table_name = name.split(".")
            if not self.db.execute(
                "SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [project]
            ).fetchone()[0]:
                self.db.execute(f"ATTACH ':memory:' AS \"{project}\"")
            self.db.execute(f'CREATE SCHEMA IF NOT EXISTS "{project}"."{dataset}"')
            self.db.register("incoming", table)
            self.db.execute(f'CREATE TABLE "{project}"."{dataset}"."{table_name}" AS SELECT * FROM incoming')
            self.db.unregister("incoming")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self._answer("POST")

            def do_GET(self):
                self._answer("GET")

            def _answer(self, method):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if url.path == "/token":
                    fake.tokens_issued += 1
                    return self._json(200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"})
                if self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
                    return self._json(401, _error(401, "Request is missing a valid access token.", "unauthorized"))
                body = json.loads(raw) if raw else None
                with fake.lock:
                    fake.calls.append({"method": method, "path": url.path, "body": body})
                try:
                    status, answer = fake.route(
                        method, url.path.removeprefix("/bigquery/v2"), parse_qs(url.query), body
                    )
                except Exception as err:  # noqa: BLE001 - a query the stand-in cannot run fails as BigQuery's would
                    status, answer = 400, _error(400, f"{type(err).__name__}: {err}", "invalidQuery")
                self._json(status, answer)

            def _json(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeBigQuery:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.db.close()

    # --- the API -------------------------------------------------------------------------------------

    def route(self, method: str, path: str, query: dict, body: dict | None) -> tuple[int, dict]:
        parts = path.strip("/").split("/")  # projects/{p}/jobs[/{id}] or projects/{p}/queries/{id}
        if method == "POST" and len(parts) == 3 and parts[2] == "jobs":
            return self.insert_job(parts[1], body)
        if method == "GET" and len(parts) == 4 and parts[2] == "jobs" and parts[3] in self.jobs:
            return 200, self.jobs[parts[3]]["resource"]
        if method == "GET" and len(parts) == 4 and parts[2] == "queries" and parts[3] in self.jobs:
            return 200, self.query_results(parts[3], query)
        return 404, _error(404, f"Not found: {method} {path}", "notFound")

    def insert_job(self, project: str, job: dict) -> tuple[int, dict]:
        configuration = job["configuration"]
        text = configuration["query"]["query"]
        params = {
            p["name"]: _value(p["parameterType"], p.get("parameterValue", {}))
            for p in configuration["query"].get("queryParameters", [])
        }
        duck = sqlglot.transpile(text, read="bigquery", write="duckdb")[0]
        scanned = self.bytes_scanned(duck, params)
        reference = {
            "projectId": project,
            "jobId": job.get("jobReference", {}).get("jobId") or str(uuid.uuid4()),
            "location": "US",
        }
        statistics = {
            "creationTime": "0",
            "totalBytesProcessed": str(scanned),
            "query": {"totalBytesProcessed": str(scanned), "statementType": "SELECT"},
        }
        resource = {
            "kind": "bigquery#job",
            "id": f"{project}:US.{reference['jobId']}",
            "jobReference": reference,
            "configuration": configuration,
            "statistics": statistics,
            "status": {"state": "DONE"},
        }
        if configuration.get("dryRun"):
            return 200, resource
        limit = configuration["query"].get("maximumBytesBilled")
        if limit is not None and scanned > int(limit):
            error = {
                "reason": "bytesBilledLimitExceeded",
                "location": "query",
                "message": f"Query exceeded limit for bytes billed: {limit}. {scanned} or higher required.",
            }
            resource["status"] = {"state": "DONE", "errorResult": error, "errors": [error]}
            self.jobs[reference["jobId"]] = {"resource": resource, "rows": None}
            return 200, resource
        result = self.db.execute(duck, {k: v for k, v in params.items() if f"${k}" in duck})
        names = [d[0] for d in result.description]
        types = [str(d[1]) for d in result.description]
        rows = result.fetchall()
        statistics["query"]["totalBytesBilled"] = str(scanned)
        self.jobs[reference["jobId"]] = {
            "resource": resource,
            "rows": rows,
            "schema": {
                "fields": [
                    {"name": n, "type": _BQ_TYPES.get(t, "STRING"), "mode": "NULLABLE"}
                    for n, t in zip(names, types, strict=True)
                ]
            },
        }
        return 200, resource

    def query_results(self, job_id: str, query: dict) -> dict:
        job = self.jobs[job_id]
        reference = job["resource"]["jobReference"]
        if job["rows"] is None:
            return _error(400, job["resource"]["status"]["errorResult"]["message"], "bytesBilledLimitExceeded")
        start = int(query.get("pageToken", query.get("startIndex", ["0"]))[0])
        wanted = int(query.get("maxResults", [self.page_rows])[0])
        end = min(len(job["rows"]), start + min(wanted, self.page_rows))
        answer = {
            "kind": "bigquery#getQueryResultsResponse",
            "jobReference": reference,
            "jobComplete": True,
            "schema": job["schema"],
            "totalRows": str(len(job["rows"])),
            "cacheHit": False,
            "totalBytesProcessed": job["resource"]["statistics"]["totalBytesProcessed"],
            "rows": [{"f": [{"v": _cell(v)} for v in row]} for row in job["rows"][start:end]],
        }
        if end < len(job["rows"]):
            answer["pageToken"] = str(end)
        return answer

    def bytes_scanned(self, duck_sql: str, params: dict) -> int:
        """What BigQuery would bill: the named columns, over the partitions the _PARTITIONTIME conditions keep."""
        tree = sqlglot.parse_one(duck_sql, read="duckdb")
        total = 0
        for table in tree.find_all(exp.Table):
            qualified = ".".join(f'"{part}"' for part in (table.catalog, table.db, table.name))
            columns = dict(self.db.execute(f"SELECT column_name, column_type FROM (DESCRIBE {qualified})").fetchall())
            named = {c.name for c in tree.find_all(exp.Column)} & set(columns) - {"_PARTITIONTIME"}
            pruning = [
                p
                for p in tree.find_all(exp.GTE, exp.GT, exp.LT, exp.LTE, exp.EQ)
                if {c.name for c in p.find_all(exp.Column)} == {"_PARTITIONTIME"}
            ]
            where = " AND ".join(p.sql(dialect="duckdb") for p in pruning) or "true"
            sizes = [f'2 + coalesce(length("{c}"), 0)' if columns[c] == "VARCHAR" else "8" for c in sorted(named)]
            if not sizes:
                continue
            used = {k: v for k, v in params.items() if f"${k}" in where}
            total += self.db.execute(
                f"SELECT coalesce(sum({' + '.join(sizes)}), 0) FROM {qualified} WHERE {where}", used
            ).fetchone()[0]
        return int(total)


def _value(kind: dict, value: dict):
    if kind["type"] == "ARRAY":
        return [_value(kind["arrayType"], v) for v in value.get("arrayValues", [])]
    raw = value.get("value")
    if raw is None:
        return None
    if kind["type"] in ("INT64", "INTEGER"):
        return int(raw)
    if kind["type"] in ("FLOAT64", "FLOAT"):
        return float(raw)
    if kind["type"] == "TIMESTAMP":
        return datetime.fromisoformat(raw)
    return raw


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _error(code: int, message: str, reason: str) -> dict:
    return {"error": {"code": code, "message": message, "errors": [{"message": message, "reason": reason}]}}
