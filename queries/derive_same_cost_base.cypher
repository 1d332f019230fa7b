// name: derive_same_cost_base
// question: Which awards of different provisions pay a share of the same kind of spend (their rate_base in one cost base of data/overlaps.yaml)?
// params: $cost_bases (list) [{name, metrics: [rate_base metric], project_kinds: [project kind] or []}] from data/overlaps.yaml
// mode: read
UNWIND $cost_bases AS cb
MATCH (a:Incentive), (b:Incentive)
WHERE a.rate_base IN cb.metrics AND b.rate_base IN cb.metrics
  AND (size(cb.project_kinds) = 0 OR (a.project_kind IN cb.project_kinds AND b.project_kind IN cb.project_kinds))
  AND a.provision_seq <> b.provision_seq AND a.id < b.id
RETURN a.id AS from, b.id AS to, 'cost_base:' + cb.name AS rule, a.rate_base AS from_base, b.rate_base AS to_base
ORDER BY rule, from, to
