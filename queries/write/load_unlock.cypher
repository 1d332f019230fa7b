// name: write/load_unlock
// question: Load: delete the lock node before commit (its lock is held until the transaction ends, and no node is left behind).
// params: none
// mode: write
MATCH (l:PolicykgLoad {name: 'load'})
DELETE l
RETURN count(l) AS released
