// name: write/delete_all
// question: Tests only: empty the whole (throwaway test) database between test cases, whatever its labels.
// params: none
// mode: write
MATCH (n)
DETACH DELETE n
RETURN count(*) AS deleted
