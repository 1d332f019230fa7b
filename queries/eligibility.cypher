// name: eligibility
// question: Which incentives can each enterprise profile of a list claim on a day: status (expired, not_eligible, missing_data, needs_selection, eligible) and amount in 万元 per profile, incentive and project, computed from the Incentive/Tier/Criterion/Qualification/Rule nodes (the embedded engine's rules, docs/profile.md). One profile for `policykg eligible --backend neo4j`, batches of a register for the Neo4j batch match (免申即享)
// params: $profiles (list) the profiles as maps in canonical units (Engine.profile_params plus id): [{id, industries: [..], metrics: {key: number|bool}, qualifications: [{name, level, date}], awards: [{incentive, year, amount_wan, level, project}], projects: [{kind, name, metrics, qualifications, incentives}]}]
// params: $as_of (date) the day to answer for, YYYY-MM-DD
// params: $statuses (list) the statuses to return, e.g. ["eligible","needs_selection"]; all five for the whole answer
// params: $not_enterprise (list) recipients that are never the enterprise (engine NOT_ENTERPRISE), e.g. ["district_government","institution","public"]
// params: $tolerance (float) the engine's TOLERANCE for amount comparisons, e.g. 1e-9
// params: $district_discretion (string) the engine's DISTRICT_DISCRETION: why an award the city only encourages districts to pay (payer district) needs selection
// mode: read
WITH date($as_of) AS day, $tolerance AS eps,
     'not_eligible' IN $statuses AS keep_failed, 'missing_data' IN $statuses AS keep_missing
// Each incentive compiled once into a map (tiers and limits in the text's order). Incentives that
// are expired, or paid to a non-enterprise, for every profile are skipped when $statuses leaves that out.
MATCH (pol:Policy)-[:HAS_PROVISION]->(v:Provision)-[:OFFERS]->(i:Incentive)
WITH day, eps, keep_failed, keep_missing, pol, v, i,
     coalesce(i.effective_from, pol.effective_from) AS eff_from,
     coalesce(i.effective_until, pol.effective_until) AS eff_until
WITH day, eps, keep_failed, keep_missing, pol, v, i, eff_from, eff_until,
     CASE WHEN (eff_until IS NOT NULL AND day > date(eff_until)) OR (eff_from IS NOT NULL AND day < date(eff_from))
          THEN 'expired'
          WHEN i.recipient IN $not_enterprise THEN 'not_eligible' END AS settled
WHERE settled IS NULL OR settled IN $statuses
CALL (i) {
  OPTIONAL MATCH (i)-[ht:HAS_TIER]->(t:Tier)
  WITH ht, t ORDER BY ht.order
  RETURN collect(t {.name, .level, .amount_wan, .rate_percent, .qualification,
                    min: round(t.min, 6)}) AS tiers
}
CALL (i) {
  OPTIONAL MATCH (i)-[lb:LIMITED_BY]->(r:Rule)
  WITH lb, r ORDER BY lb.order
  RETURN collect(r {.kind, .years, .amount_wan, .per, scope: [(r)<-[:LIMITED_BY]-(j:Incentive) | j.id]}) AS rules
}
CALL (v) {
  OPTIONAL MATCH (v)-[resp:RESPONSIBLE]->(a:Agency)
  WITH resp, a ORDER BY resp.position
  RETURN collect(CASE WHEN resp.role = 'lead' THEN a.name END) AS agencies,
         collect(CASE WHEN resp.role = 'cooperating' THEN a.name END) AS cooperating
}
WITH day, eps, keep_failed, keep_missing, pol, v, i, eff_from, eff_until, settled, tiers, rules, agencies, cooperating
  ORDER BY v.seq, i.id
// A metric `project.<field>` is read from the project's metrics (`field`), any other from the profile's.
WITH day, eps, keep_failed, keep_missing, collect(i {.*, seq: v.seq, policy: pol.number, policy_title: pol.title,
       eff_from: eff_from, eff_until: eff_until, settled: settled, tiers: tiers, rules: rules,
       agencies: agencies, cooperating: cooperating, industries: coalesce(i.industries, []),
       recipient_failed: i.recipient IN $not_enterprise,
       checks: [(i)-[:REQUIRES]->(c:Criterion) WHERE c.stated | {metric: c.metric, op: c.op,
                 field: CASE WHEN c.metric STARTS WITH 'project.' THEN substring(c.metric, 8) END,
                 value: CASE WHEN c.op = '==' THEN c.value ELSE round(c.value, 6) END}],
       unstated: size([(i)-[:REQUIRES]->(c:Criterion) WHERE NOT c.stated | c]) > 0,
       reqs: [(i)-[rw:REWARDS]->(q:Qualification) | q {.name, .level, group: rw.group}],
       tier_field: CASE WHEN i.tier_metric STARTS WITH 'project.' THEN substring(i.tier_metric, 8) END,
       base_field: CASE WHEN i.rate_base STARTS WITH 'project.' THEN substring(i.rate_base, 8) END,
       excess_field: CASE WHEN i.excess_over_metric STARTS WITH 'project.'
                          THEN substring(i.excess_over_metric, 8) END}) AS incs
// Every profile against every incentive: one row per incentive, or per matching project for
// project-level incentives (none listed: one row, data missing).
UNWIND range(0, size($profiles) - 1) AS n
WITH day, eps, keep_failed, keep_missing, incs, n, $profiles[n] AS pr
WITH day, eps, keep_failed, keep_missing, incs, n, pr, coalesce(pr.industries, []) AS industries,
     coalesce(pr.projects, []) AS projects,
     [q IN coalesce(pr.qualifications, []) WHERE q.date IS NULL OR date(q.date) <= day] AS pheld,
     [a IN coalesce(pr.awards, []) WHERE a.year <= day.year] AS aw
UNWIND incs AS i
WITH day, eps, keep_failed, keep_missing, n, pr, pheld, aw, i,
     CASE WHEN size(i.industries) = 0 THEN 'any'
          WHEN size(industries) = 0 THEN 'missing'
          WHEN any(x IN i.industries WHERE x IN industries) THEN 'ok'
          ELSE 'failed' END AS industry,
     CASE WHEN i.project_kind IS NULL THEN [null]
          ELSE [p IN projects WHERE p.kind = i.project_kind
                  AND (size(coalesce(p.incentives, [])) = 0 OR i.id IN p.incentives)] END AS projs
// Rows whose status can no longer be one of $statuses stop as early as that is known: a failed
// industry, qualification or criterion means not_eligible; missing data means missing_data at best.
WHERE i.settled IS NOT NULL OR keep_failed
   OR (industry <> 'failed' AND (keep_missing OR (industry <> 'missing' AND size(projs) > 0)))
UNWIND CASE WHEN size(projs) = 0 THEN [null] ELSE projs END AS proj
WITH day, eps, keep_failed, keep_missing, n, pr, aw, i, proj, industry,
     CASE WHEN proj IS NULL THEN pheld
          ELSE pheld + [q IN coalesce(proj.qualifications, []) WHERE q.date IS NULL OR date(q.date) <= day] END AS held,
     [c IN i.checks | c {.metric, .op, .value,
        v: CASE WHEN c.field IS NOT NULL THEN proj.metrics[c.field]
                WHEN c.metric IS NOT NULL THEN pr.metrics[c.metric] END}] AS crit
// Criteria: metric op value, compared at 6 decimals. Qualifications: each required title is
// T (held; a null level accepts any level), F (not held), and for a 首次 award (first_time) whose
// policy states its start, B (a held entry obtained before that start) or U (held, undated).
WITH *, [x IN crit WHERE x.v IS NULL | x.metric] AS crit_missing,
        [x IN crit WHERE x.v IS NOT NULL AND NOT (CASE x.op
            WHEN '==' THEN x.v = x.value
            WHEN '>=' THEN round(x.v, 6) >= x.value
            WHEN '>' THEN round(x.v, 6) > x.value
            WHEN '<=' THEN round(x.v, 6) <= x.value
            WHEN '<' THEN round(x.v, 6) < x.value END) | x.metric] AS crit_failed,
        [r IN i.reqs | r {.name, .group, state: CASE
            WHEN NOT any(h IN held WHERE h.name = r.name AND (r.level IS NULL OR h.level = r.level)) THEN 'F'
            WHEN NOT coalesce(i.first_time, false) OR i.eff_from IS NULL THEN 'T'
            WHEN any(h IN held WHERE h.name = r.name AND (r.level IS NULL OR h.level = r.level)
                     AND h.date IS NOT NULL AND date(h.date) < date(i.eff_from)) THEN 'B'
            WHEN any(h IN held WHERE h.name = r.name AND (r.level IS NULL OR h.level = r.level) AND h.date IS NULL)
            THEN 'U'
            ELSE 'T' END}] AS rq
// Clauses, all to be met, any one title meeting a clause: each title without a group (or, with
// qualifications_mode 'any', all of them together), and each group. A clause is T if a title is T,
// else U (the date is missing) if one is U, else failed (B: obtained before the policy came into force).
WITH *, [c IN CASE WHEN i.qualifications_mode = 'any' THEN [[r IN rq WHERE r.group IS NULL]]
                   ELSE [r IN rq WHERE r.group IS NULL | [r]] END
              + [g IN reduce(gs = [], r IN rq | CASE WHEN r.group IS NULL OR r.group IN gs THEN gs ELSE gs + r.group END)
                 | [r IN rq WHERE r.group = g]]
         WHERE size(c) > 0 | {
           v: CASE WHEN any(r IN c WHERE r.state = 'T') THEN 'T' WHEN any(r IN c WHERE r.state = 'U') THEN 'U'
                   WHEN any(r IN c WHERE r.state = 'B') THEN 'B' ELSE 'F' END,
           undated: [r IN c WHERE r.state = 'U' | 'qualifications[].date (' + r.name + ')']}] AS clauses
WITH *, any(c IN clauses WHERE c.v IN ['F', 'B']) AS qual_failed,
        reduce(ms = [], c IN clauses | CASE WHEN c.v = 'U' THEN ms + c.undated ELSE ms END) AS qual_missing
WHERE i.settled IS NOT NULL OR keep_failed
   OR (NOT qual_failed AND size(crit_failed) = 0
       AND (keep_missing OR (size(crit_missing) = 0 AND size(qual_missing) = 0)))
WITH *, i.recipient_failed AS recipient_failed,
        CASE WHEN i.tier_metric IS NULL THEN null
             WHEN i.tier_field IS NOT NULL THEN proj.metrics[i.tier_field]
             ELSE pr.metrics[i.tier_metric] END AS tv,
        CASE WHEN i.rate_base IS NULL THEN null
             WHEN i.base_field IS NOT NULL THEN proj.metrics[i.base_field]
             ELSE pr.metrics[i.rate_base] END AS base_v,
        CASE WHEN i.excess_over_metric IS NULL THEN null
             WHEN i.excess_field IS NOT NULL THEN proj.metrics[i.excess_field]
             ELSE pr.metrics[i.excess_over_metric] END AS excess_v
// Tiers: reached by the tier metric (tier_op, 6 decimals) and/or a held qualification; null = metric missing.
WITH *, [t IN i.tiers | t {.*,
          reached: CASE
            WHEN t.qualification IS NOT NULL AND NOT any(h IN held WHERE h.name = t.qualification
                 AND (t.level IS NULL OR h.level = t.level)) THEN false
            WHEN t.min IS NULL THEN true
            WHEN tv IS NULL THEN null
            WHEN i.tier_op = '>' THEN round(tv, 6) > t.min
            ELSE round(tv, 6) >= t.min END}] AS tiers
WITH *, [t IN tiers WHERE t.reached] AS hits
WITH *, CASE WHEN i.basis <> 'tiers' THEN null
             WHEN size(hits) = 0 AND any(t IN tiers WHERE t.reached IS NULL) THEN 'missing'
             WHEN size(hits) = 0 THEN 'failed'
             WHEN any(t IN hits WHERE t.rate_percent IS NOT NULL) AND base_v IS NULL THEN 'missing_base'
             ELSE 'ok' END AS tier_state
// The best tier reached pays most (a rate tier: rate × the rate base as given); ties go to the later tier.
WITH *, CASE WHEN tier_state = 'ok' THEN reduce(best = null, t IN hits |
          CASE WHEN best IS NULL OR coalesce(t.amount_wan, t.rate_percent / 100.0 * base_v, 0) >= coalesce(best.amt, 0)
               THEN t {.*, amt: coalesce(t.amount_wan, t.rate_percent / 100.0 * base_v)} ELSE best END) END AS best,
        CASE WHEN i.excess_over_metric IS NULL THEN base_v
             WHEN base_v IS NULL OR excess_v IS NULL THEN null
             WHEN base_v - i.excess_over_percent / 100.0 * excess_v > 0 THEN base_v - i.excess_over_percent / 100.0 * excess_v
             ELSE 0.0 END AS base
// The amount before earlier awards: fixed; the best tier (capped); rate × base (P3: the part above a share of another metric; capped).
WITH *, CASE i.basis
          WHEN 'fixed' THEN toFloat(i.amount_wan)
          WHEN 'tiers' THEN CASE WHEN best IS NULL THEN null
                                 WHEN i.cap_wan IS NOT NULL AND best.amt > i.cap_wan + eps THEN toFloat(i.cap_wan)
                                 ELSE round(best.amt, 4) END
          WHEN 'rate' THEN CASE WHEN base IS NULL THEN null
                                WHEN i.cap_wan IS NOT NULL AND i.rate_percent / 100.0 * base > i.cap_wan THEN toFloat(i.cap_wan)
                                ELSE round(i.rate_percent / 100.0 * base, 4) END
          WHEN 'matching' THEN CASE WHEN base IS NULL THEN null
                                    WHEN i.cap_wan IS NOT NULL AND i.rate_percent / 100.0 * base > i.cap_wan THEN toFloat(i.cap_wan)
                                    ELSE round(i.rate_percent / 100.0 * base, 4) END
          ELSE null END AS amount0,
        crit_missing + qual_missing
          + CASE WHEN i.project_kind IS NOT NULL AND proj IS NULL THEN ['projects:' + i.project_kind] ELSE [] END
          + CASE WHEN industry = 'missing' THEN ['industries'] ELSE [] END
          + CASE WHEN tier_state = 'missing' THEN [i.tier_metric] ELSE [] END
          + CASE WHEN (i.basis IN ['rate', 'matching'] OR tier_state = 'missing_base') AND base_v IS NULL
                 THEN [i.rate_base] ELSE [] END
          + CASE WHEN i.basis IN ['rate', 'matching'] AND base_v IS NOT NULL AND i.excess_over_metric IS NOT NULL
                      AND excess_v IS NULL THEN [i.excess_over_metric] ELSE [] END AS missing
// Earlier awards: 首次, 进档差额, and the limits (a group's Rule node is shared by its incentives).
WITH *, [a IN aw WHERE a.incentive = i.id AND (proj IS NULL OR a.project IS NULL OR a.project = proj.name)] AS own,
        [r IN i.rules | r {.*, aws: [a IN aw WHERE a.incentive IN r.scope
          AND (proj IS NULL OR coalesce(r.per, '') = 'enterprise' OR a.project IS NULL OR a.project = proj.name)]}] AS rules2
WITH *, reduce(s = 0.0, a IN own | s + a.amount_wan) AS received,
        coalesce(i.first_time, false) AND size(own) > 0 AND (best IS NULL OR amount0 IS NULL OR any(a IN own WHERE
          a.amount_wan >= amount0 - eps OR (a.level IS NOT NULL AND (a.level = best.name OR coalesce(a.level = best.level, false)))))
          AS first_time_failed,
        any(r IN i.rules WHERE r.kind = 'tier_difference') AND size(own) > 0 AND amount0 IS NOT NULL AS pays_difference,
        i.frequency = 'once' AND NOT coalesce(i.first_time, false)
          AND any(a IN own WHERE proj IS NULL OR a.project = proj.name)
          AND NOT any(r IN i.rules WHERE r.kind IN ['tier_difference', 'no_repeat_years']) AS once_failed,
        [r IN rules2 | r {.*, used: CASE WHEN r.kind = 'annual_total_cap' THEN [a IN r.aws WHERE a.year = day.year]
                                         ELSE r.aws END}] AS rules3
// The limits in the text's order: a used-up cap fails; a cap, the rest of a cap or a per-item cap lowers the amount.
WITH *, CASE WHEN pays_difference THEN CASE WHEN amount0 - received > 0 THEN amount0 - received ELSE 0.0 END
             ELSE amount0 END AS amount1,
        pays_difference AND amount0 - received <= eps AS difference_failed,
        any(r IN rules3 WHERE r.kind = 'no_repeat_years' AND any(a IN r.aws WHERE day.year - a.year < r.years)) AS repeat_failed,
        any(r IN rules3 WHERE r.kind = 'one_per_year' AND any(a IN r.aws WHERE a.year = day.year)) AS one_per_year_failed,
        [r IN rules3 WHERE r.kind IN ['annual_total_cap', 'total_cap', 'per_item_cap'] | r {.kind, .amount_wan,
           used: size(r.used) > 0,
           left: CASE WHEN r.kind = 'per_item_cap' THEN toFloat(r.amount_wan)
                      WHEN r.amount_wan - reduce(s = 0.0, a IN r.used | s + a.amount_wan) > 0
                      THEN r.amount_wan - reduce(s = 0.0, a IN r.used | s + a.amount_wan) ELSE 0.0 END}] AS caps,
        i.frequency = 'yearly' AND i.max_years IS NOT NULL
          AND size(reduce(ys = [], a IN own | CASE WHEN a.year < day.year AND NOT a.year IN ys THEN ys + a.year ELSE ys END))
              >= i.max_years AS years_failed
WITH *, any(c IN caps WHERE c.kind <> 'per_item_cap' AND c.used AND c.left <= eps) AS cap_failed,
        reduce(m = amount1, c IN caps | CASE
          WHEN m IS NULL OR (c.kind <> 'per_item_cap' AND c.used AND c.left <= eps) THEN m
          WHEN m > c.left + eps THEN c.left ELSE m END) AS amount2
WITH *, [x IN [
          CASE WHEN recipient_failed THEN 'recipient:' + i.recipient END,
          CASE WHEN industry = 'failed' THEN 'industry' END,
          CASE WHEN any(c IN clauses WHERE c.v = 'F') THEN 'qualification' END,
          CASE WHEN any(c IN clauses WHERE c.v = 'B') THEN 'qualification_before_policy' END,
          CASE WHEN tier_state = 'failed' THEN 'tier:' + coalesce(i.tier_metric, 'qualification') END,
          CASE WHEN i.basis IN ['rate', 'matching'] AND i.excess_over_metric IS NULL AND base_v <= 0
               THEN 'base_not_positive' END,
          CASE WHEN first_time_failed THEN 'first_time' END,
          CASE WHEN once_failed THEN 'once' END,
          CASE WHEN difference_failed THEN 'tier_difference' END,
          CASE WHEN repeat_failed THEN 'no_repeat_years' END,
          CASE WHEN one_per_year_failed THEN 'one_per_year' END,
          CASE WHEN cap_failed THEN 'cap_used_up' END,
          CASE WHEN years_failed THEN 'max_years' END] WHERE x IS NOT NULL]
          + [m IN crit_failed | 'criterion:' + m] AS failed
WITH *, CASE
          WHEN i.settled = 'expired' THEN 'expired'
          WHEN size(failed) > 0 THEN 'not_eligible'
          WHEN size(missing) > 0 THEN 'missing_data'
          WHEN coalesce(i.competitive, false) OR i.unstated OR i.basis = 'defers_to' OR i.payer = 'district'
          THEN 'needs_selection'
          ELSE 'eligible' END AS status
WHERE status IN $statuses
RETURN pr.id AS profile, i.id AS incentive, i.seq AS seq, i.policy AS policy, i.policy_title AS policy_title,
       proj.name AS project, status,
       CASE WHEN status IN ['eligible', 'needs_selection'] AND amount2 IS NOT NULL THEN round(amount2, 4) END AS amount_wan,
       CASE WHEN status IN ['eligible', 'needs_selection'] AND amount2 IS NOT NULL
            THEN coalesce(CASE WHEN i.basis IN ['rate', 'matching'] THEN i.rate_ceiling ELSE i.ceiling END, false)
            ELSE false END AS amount_is_ceiling,
       CASE WHEN status = 'expired' THEN [] ELSE failed END AS failed,
       CASE WHEN status = 'missing_data' THEN missing ELSE [] END AS missing,
       CASE WHEN status = 'needs_selection' THEN reduce(t = null, x IN [
            CASE WHEN i.payer = 'district' THEN $district_discretion END,
            coalesce(i.selection_quote, CASE WHEN i.basis = 'defers_to' THEN 'paid under ' + i.defers_to
                                             WHEN i.unstated THEN 'threshold not stated in this text' END)]
            | CASE WHEN x IS NULL THEN t WHEN t IS NULL THEN x ELSE t + ', ' + x END)
       END AS selection,
       best.name AS tier, i.agencies AS agencies, i.cooperating AS cooperating,
       i.eff_from AS effective_from, i.eff_until AS effective_until
ORDER BY n, seq, incentive, project
