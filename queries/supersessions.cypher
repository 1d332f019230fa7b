// name: supersessions
// question: Which policies supersede (原…同时废止) which, and until when was the old one in force?
// params: none
// mode: read
MATCH (new:Policy)-[s:SUPERSEDES]->(old:Policy)
RETURN new.number AS policy, new.title AS title, old.number AS supersedes, old.title AS old_title,
       old.effective_until AS old_until, s.as_written AS as_written
ORDER BY policy, supersedes
