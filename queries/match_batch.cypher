// name: match_batch
// question: For a batch of enterprises (免申即享), which enterprise-level awards is each one eligible for or a candidate for (needs_selection) on a day, and how much in 万元 (unrounded)? The batch matcher's answer, from the Incentive/Tier/Criterion/Qualification/Rule nodes
// params: $profiles (list) enterprises as maps, canonical units (Engine.profile_params plus id): [{id, industries, metrics: {key: number|bool}, qualifications: [{name, level, date}], awards: [{incentive, year, amount_wan, level}]}]
// params: $as_of (date) the day to answer for, YYYY-MM-DD
// mode: read
WITH date($as_of) AS day, 1e-9 AS eps
// The awards in force on the day, paid to an enterprise, each compiled once into a map.
MATCH (pol:Policy)-[:HAS_PROVISION]->(v:Provision)-[:OFFERS]->(i:Incentive)
WHERE i.project_kind IS NULL
  AND NOT i.recipient IN ['district_government', 'institution', 'public']
  AND coalesce(date(coalesce(i.effective_from, pol.effective_from)), day) <= day
  AND coalesce(date(coalesce(i.effective_until, pol.effective_until)), day) >= day
WITH day, eps, pol, v, i,
     [(i)-[:REQUIRES]->(c:Criterion) | {stated: c.stated, metric: c.metric, op: c.op, value: c.value}] AS crit,
     [(i)-[:REWARDS]->(q:Qualification) | {name: q.name, level: q.level}] AS reqs
OPTIONAL MATCH (i)-[ht:HAS_TIER]->(t:Tier)
WITH day, eps, pol, v, i, crit, reqs, t ORDER BY ht.order
WITH day, eps, pol, v, i, crit, reqs,
     [x IN collect(t) | {min: x.min, qualification: x.qualification, level: x.level, amount_wan: x.amount_wan,
                         rate_percent: x.rate_percent, name: x.name}] AS tiers
OPTIONAL MATCH (i)-[lb:LIMITED_BY]->(r:Rule)
WITH day, eps, pol, v, i, crit, reqs, tiers, lb, r,
     [(r)<-[:LIMITED_BY]-(m:Incentive) | m.id] AS scope ORDER BY lb.order
WITH day, eps, pol, v, i, crit, reqs, tiers,
     [x IN collect(CASE WHEN r IS NOT NULL THEN {kind: r.kind, years: r.years, amount_wan: r.amount_wan,
                                                 scope: scope} END) WHERE x IS NOT NULL] AS limits
WITH day, eps, collect({
       id: i.id, seq: v.seq, policy: pol.number, basis: i.basis, amount_wan: i.amount_wan,
       ceiling: CASE WHEN i.basis IN ['rate', 'matching'] THEN i.rate_ceiling ELSE i.ceiling END,
       rate_percent: i.rate_percent, rate_base: i.rate_base, excess_percent: i.excess_over_percent,
       excess_metric: i.excess_over_metric, cap_wan: i.cap_wan, tier_metric: i.tier_metric,
       tier_op: i.tier_op, industries: coalesce(i.industries, []), mode: i.qualifications_mode,
       first_time: i.first_time, yearly_max: CASE WHEN i.frequency = 'yearly' THEN i.max_years END,
       competitive: i.competitive OR i.basis = 'defers_to' OR any(x IN crit WHERE NOT x.stated),
       checks: [x IN crit WHERE x.stated], reqs: reqs, tiers: tiers,
       limits: limits
     }) AS incs
// Every enterprise of the batch against every award.
UNWIND $profiles AS pr
WITH day, eps, incs, pr,
     [q IN coalesce(pr.qualifications, []) WHERE q.date IS NULL OR date(q.date) <= day] AS held,
     [a IN coalesce(pr.awards, []) WHERE a.year <= day.year] AS aw
UNWIND incs AS inc
WITH day, eps, pr, held, aw, inc
WHERE (size(inc.industries) = 0 OR any(x IN inc.industries WHERE x IN coalesce(pr.industries, [])))
  AND all(c IN inc.checks WHERE pr.metrics[c.metric] IS NOT NULL AND CASE c.op
        WHEN '==' THEN pr.metrics[c.metric] = c.value
        WHEN '>=' THEN pr.metrics[c.metric] >= c.value
        WHEN '>' THEN pr.metrics[c.metric] > c.value
        WHEN '<=' THEN pr.metrics[c.metric] <= c.value
        WHEN '<' THEN pr.metrics[c.metric] < c.value END)
  AND (size(inc.reqs) = 0 OR CASE WHEN inc.mode = 'any'
        THEN any(r IN inc.reqs WHERE any(h IN held WHERE h.name = r.name AND (r.level IS NULL OR h.level = r.level)))
        ELSE all(r IN inc.reqs WHERE any(h IN held WHERE h.name = r.name AND (r.level IS NULL OR h.level = r.level)))
        END)
// Amount before limits: fixed; the best tier reached (ties to the later level); rate × base, capped.
WITH day, eps, pr, aw, inc,
     pr.metrics[inc.tier_metric] AS tv, pr.metrics[inc.rate_base] AS base_v,
     pr.metrics[inc.excess_metric] AS excess_v,
     [k IN range(0, size(inc.tiers) - 1) WHERE
        (inc.tiers[k].qualification IS NULL OR any(h IN held WHERE h.name = inc.tiers[k].qualification
              AND (inc.tiers[k].level IS NULL OR h.level = inc.tiers[k].level)))
        AND (inc.tiers[k].min IS NULL OR (pr.metrics[inc.tier_metric] IS NOT NULL AND CASE inc.tier_op
              WHEN '>' THEN pr.metrics[inc.tier_metric] > inc.tiers[k].min
              ELSE pr.metrics[inc.tier_metric] >= inc.tiers[k].min END))] AS hits
WITH day, eps, pr, aw, inc, hits, base_v,
     CASE WHEN inc.excess_metric IS NULL AND inc.basis IN ['rate', 'matching'] AND base_v <= 0 THEN null
          WHEN inc.excess_metric IS NULL THEN base_v
          WHEN base_v IS NULL OR excess_v IS NULL THEN null
          WHEN base_v - inc.excess_percent / 100.0 * excess_v > 0 THEN base_v - inc.excess_percent / 100.0 * excess_v
          ELSE 0.0 END AS base
WITH day, eps, pr, aw, inc, base,
     reduce(best = null, k IN hits |
        CASE WHEN best IS NULL
               OR coalesce(coalesce(inc.tiers[k].amount_wan, inc.tiers[k].rate_percent / 100.0 * base), 0)
                  >= coalesce(best.amount, 0)
             THEN {k: k, amount: coalesce(inc.tiers[k].amount_wan, inc.tiers[k].rate_percent / 100.0 * base)}
             ELSE best END) AS best,
     any(k IN hits WHERE inc.tiers[k].rate_percent IS NOT NULL) AS rated_tier
WHERE (inc.basis <> 'tiers' OR (best IS NOT NULL AND NOT (rated_tier AND base IS NULL)))
  AND (NOT inc.basis IN ['rate', 'matching'] OR base IS NOT NULL)
WITH day, eps, pr, aw, inc, best,
     CASE inc.basis
       WHEN 'fixed' THEN toFloat(inc.amount_wan)
       WHEN 'tiers' THEN CASE WHEN inc.cap_wan IS NOT NULL AND best.amount > inc.cap_wan + eps
                              THEN toFloat(inc.cap_wan) ELSE toFloat(best.amount) END
       WHEN 'rate' THEN CASE WHEN inc.cap_wan IS NOT NULL AND inc.rate_percent / 100.0 * base > inc.cap_wan
                             THEN toFloat(inc.cap_wan) ELSE inc.rate_percent / 100.0 * base END
       WHEN 'matching' THEN CASE WHEN inc.cap_wan IS NOT NULL AND inc.rate_percent / 100.0 * base > inc.cap_wan
                                 THEN toFloat(inc.cap_wan) ELSE inc.rate_percent / 100.0 * base END
     END AS amount0,
     [a IN aw WHERE a.incentive = inc.id] AS own
// 首次: an earlier award at this level or higher (amount, or its level named) rules it out.
WHERE NOT (inc.first_time AND size(own) > 0 AND (best IS NULL OR amount0 IS NULL OR any(a IN own
        WHERE a.amount_wan >= amount0 - eps
           OR coalesce(a.level IN [inc.tiers[best.k].name, inc.tiers[best.k].level], false))))
// 进档差额: a higher level pays the difference to what was received.
WITH day, eps, pr, aw, inc, own,
     CASE WHEN any(l IN inc.limits WHERE l.kind = 'tier_difference') AND size(own) > 0 AND amount0 IS NOT NULL
          THEN amount0 - reduce(s = 0.0, a IN own | s + a.amount_wan) END AS diff,
     amount0
WHERE diff IS NULL OR diff > eps
WITH day, eps, pr, aw, inc, own, coalesce(diff, amount0) AS amount1
// The text's limits in order: N年内不重复, 每年只享受一项, yearly/total caps, per-item caps.
WITH day, eps, pr, inc, own,
     reduce(s = {ok: true, amount: amount1}, l IN inc.limits |
       CASE
         WHEN l.kind = 'no_repeat_years' THEN
           {ok: s.ok AND NOT any(a IN aw WHERE a.incentive IN l.scope AND day.year - a.year < l.years),
            amount: s.amount}
         WHEN l.kind = 'one_per_year' THEN
           {ok: s.ok AND NOT any(a IN aw WHERE a.incentive IN l.scope AND a.year = day.year), amount: s.amount}
         WHEN l.kind IN ['annual_total_cap', 'total_cap'] THEN
           CASE
             WHEN size([a IN aw WHERE a.incentive IN l.scope AND (l.kind = 'total_cap' OR a.year = day.year)]) > 0
              AND l.amount_wan - reduce(u = 0.0, a IN [a IN aw WHERE a.incentive IN l.scope
                    AND (l.kind = 'total_cap' OR a.year = day.year)] | u + a.amount_wan) <= eps
               THEN {ok: false, amount: s.amount}
             WHEN s.amount IS NOT NULL AND s.amount > l.amount_wan + eps - reduce(u = 0.0, a IN [a IN aw
                    WHERE a.incentive IN l.scope AND (l.kind = 'total_cap' OR a.year = day.year)] | u + a.amount_wan)
               THEN {ok: s.ok, amount: l.amount_wan - reduce(u = 0.0, a IN [a IN aw WHERE a.incentive IN l.scope
                    AND (l.kind = 'total_cap' OR a.year = day.year)] | u + a.amount_wan)}
             ELSE s END
         WHEN l.kind = 'per_item_cap' AND s.amount IS NOT NULL AND s.amount > l.amount_wan + eps THEN
           {ok: s.ok, amount: toFloat(l.amount_wan)}
         ELSE s END) AS state
// 最长N年: paid in N earlier years already.
WHERE state.ok
  AND (inc.yearly_max IS NULL OR size(reduce(ys = [], a IN own |
        CASE WHEN a.year < day.year AND NOT a.year IN ys THEN ys + a.year ELSE ys END)) < inc.yearly_max)
RETURN pr.id AS enterprise_id, inc.id AS incentive, inc.seq AS seq, inc.policy AS policy,
       CASE WHEN inc.competitive THEN 'needs_selection' ELSE 'eligible' END AS status,
       state.amount AS amount_wan, state.amount IS NOT NULL AND coalesce(inc.ceiling, false) AS amount_is_ceiling
