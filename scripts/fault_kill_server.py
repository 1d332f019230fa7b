"""Fault run by hand (it kills and restarts a server, so it is not in the test suite):
kill -9 the throwaway Neo4j of scripts/neo4j.sh while `load --replace` of a 40k-node graph is
writing, restart it, and check that the graph loaded before is whole.

    NEO4J_BOLT_PORT=7714 NEO4J_HTTP_PORT=7414 .venv/bin/python scripts/fault_kill_server.py

It EMPTIES that server's database first: never point it at a server holding data you need.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))


def main() -> int:
    from policykg.graph.load import load_graph
    from policykg.graph.model import counts
    from policykg.graph.neo4j_store import Neo4jConfig, Neo4jStore
    from policykg.queries import load_query

    port = os.environ.get("NEO4J_BOLT_PORT", "7687")
    password = os.environ.get("NEO4J_PASSWORD", "policykg-test-pw")
    env = {**os.environ, "NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": password}
    home = Path(os.environ.get("NEO4J_HOME_DIR", Path.home() / ".cache" / "policykg" / "neo4j" / f"home-{port}"))
    config = Neo4jConfig.resolve(env=env)
    full = load_graph()
    with Neo4jStore(config) as store:
        store.delete_everything()
        store.load(full, replace=True)
        before = store.counts()
    script = ("import sys; sys.path.insert(0, sys.argv[1])\nfrom bench_load import synthetic_graph\n"
              "from policykg.graph.neo4j_store import connect\ng = synthetic_graph(40_000)\n"
              "with connect() as store: store.load(g, replace=True, batch_size=200)\n")
    client = subprocess.Popen([sys.executable, "-c", script, str(REPO / "bench")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    merging = load_query("write/merge_nodes_Provision").body
    with Neo4jStore(config) as store:
        for _ in range(3000):
            with store.driver.session() as session:
                if any(r.get("currentQuery") == merging for r in session.run("SHOW TRANSACTIONS").data()):
                    break
            time.sleep(0.02)
        else:
            print("the load was never seen writing")
            return 1
    os.kill(int((home / "run" / "policykg-neo4j.pid").read_text().strip()), signal.SIGKILL)
    _, err = client.communicate(timeout=120)
    print(f"client exit {client.returncode}: {err.strip().splitlines()[-1][:200] if err.strip() else ''}")
    subprocess.run(["bash", str(REPO / "scripts" / "neo4j.sh"), "start"], env=env, check=True, capture_output=True)
    with Neo4jStore(config) as store:
        after = store.counts()
    whole = after == before == counts(full)
    print(f"previous graph whole after kill -9 and restart: {whole} ({sum(after['labels'].values())} nodes)")
    return 0 if whole else 1


if __name__ == "__main__":
    sys.exit(main())
