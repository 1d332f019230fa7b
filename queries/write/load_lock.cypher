// name: write/load_lock
// question: Load: take the load lock first, in the load's own transaction; a concurrent load waits here until this one commits or rolls back.
// params: $started (string) when this load started (ISO timestamp, for whoever inspects a waiting load)
// mode: write
MERGE (l:PolicykgLoad {name: 'load'})
SET l.started = $started
RETURN l.name AS name
