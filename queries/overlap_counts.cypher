// name: overlap_counts
// question: How many overlaps of each kind does the loaded corpus have, and how much is at stake in each kind?
// params: none
// mode: read
MATCH (:Incentive)-[o:OVERLAPS]->(:Incentive)
RETURN o.kind AS kind, count(o) AS overlaps, sum(coalesce(o.stake_wan, 0)) AS stake_wan
ORDER BY kind
