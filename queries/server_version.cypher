// name: server_version
// question: Which Neo4j server (name, version, edition) answers?
// params: none
// mode: read
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
