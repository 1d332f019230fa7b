// name: eligibility
// question: Which incentives can an enterprise profile claim on a day: status (expired, not_eligible, missing_data, needs_selection, eligible) and amount in 万元 per incentive and project, computed from the Incentive/Tier/Criterion/Qualification/Rule nodes (the embedded engine's rules, docs/profile.md)
// params: $profile (any) the profile as a map in canonical units (Engine.profile_params): {industries: [..], metrics: {key: number|bool}, qualifications: [{name, level, date}], awards: [{incentive, year, amount_wan, level, project}], projects: [{kind, name, metrics, qualifications, incentives}]}
// params: $as_of (date) the day to answer for, YYYY-MM-DD
// mode: read
WITH $profile AS pr, date($as_of) AS day, 1e-9 AS eps
MATCH (pol:Policy)-[:HAS_PROVISION]->(v:Provision)-[:OFFERS]->(i:Incentive)
// One row per incentive, or per matching project for project-level incentives (none listed: one row, data missing).
WITH pr, day, eps, pol, v, i,
     [p IN pr.projects WHERE p.kind = i.project_kind AND (size(p.incentives) = 0 OR i.id IN p.incentives)] AS projs
UNWIND CASE WHEN i.project_kind IS NULL OR size(projs) = 0 THEN [null] ELSE projs END AS proj
WITH pr, day, eps, pol, v, i, proj,
     coalesce(i.effective_from, pol.effective_from) AS eff_from,
     coalesce(i.effective_until, pol.effective_until) AS eff_until,
     [q IN pr.qualifications + coalesce(proj.qualifications, []) WHERE q.date IS NULL OR date(q.date) <= day] AS held,
     [a IN pr.awards WHERE a.year <= day.year] AS aw
// Criteria: metric op value; `project.<field>` reads the project's metrics.
WITH *, [(i)-[:REQUIRES]->(c:Criterion) | {
          stated: c.stated, metric: c.metric, op: c.op, value: c.value,
          v: CASE WHEN c.metric IS NULL THEN null
                  WHEN c.metric STARTS WITH 'project.' THEN proj.metrics[substring(c.metric, 8)]
                  ELSE pr.metrics[c.metric] END}] AS crit
WITH *, [x IN crit WHERE x.stated AND x.v IS NULL | x.metric] AS crit_missing,
        [x IN crit WHERE x.stated AND x.v IS NOT NULL AND NOT (CASE x.op
            WHEN '==' THEN x.v = x.value
            WHEN '>=' THEN round(x.v, 6) >= round(x.value, 6)
            WHEN '>' THEN round(x.v, 6) > round(x.value, 6)
            WHEN '<=' THEN round(x.v, 6) <= round(x.value, 6)
            WHEN '<' THEN round(x.v, 6) < round(x.value, 6) END) | x.metric] AS crit_failed,
        any(x IN crit WHERE NOT x.stated) AS unstated
// Qualifications (all, or any with qualifications_mode 'any'); a null level accepts any level.
WITH *, [(i)-[:REWARDS]->(q:Qualification) | {name: q.name, level: q.level}] AS reqs
WITH *, [r IN reqs WHERE any(h IN held WHERE h.name = r.name AND (r.level IS NULL OR h.level = r.level))] AS reqs_ok
WITH *, CASE WHEN size(reqs) = 0 THEN false
             WHEN i.qualifications_mode = 'any' THEN size(reqs_ok) = 0
             ELSE size(reqs_ok) < size(reqs) END AS qual_failed,
        CASE WHEN size(coalesce(i.industries, [])) = 0 THEN 'any'
             WHEN size(coalesce(pr.industries, [])) = 0 THEN 'missing'
             WHEN any(x IN i.industries WHERE x IN pr.industries) THEN 'ok'
             ELSE 'failed' END AS industry,
        i.recipient IN ['district_government', 'institution', 'public'] AS recipient_failed,
        CASE WHEN i.tier_metric IS NULL THEN null
             WHEN i.tier_metric STARTS WITH 'project.' THEN proj.metrics[substring(i.tier_metric, 8)]
             ELSE pr.metrics[i.tier_metric] END AS tv,
        CASE WHEN i.rate_base IS NULL THEN null
             WHEN i.rate_base STARTS WITH 'project.' THEN proj.metrics[substring(i.rate_base, 8)]
             ELSE pr.metrics[i.rate_base] END AS base_v,
        CASE WHEN i.excess_over_metric IS NULL THEN null
             WHEN i.excess_over_metric STARTS WITH 'project.' THEN proj.metrics[substring(i.excess_over_metric, 8)]
             ELSE pr.metrics[i.excess_over_metric] END AS excess_v
// Tiers: reached by the tier metric (tier_op) and/or a held qualification; null = metric missing.
WITH *, [(i)-[:HAS_TIER]->(t:Tier) | {
          name: t.name, level: t.level, amount_wan: t.amount_wan, rate_percent: t.rate_percent,
          reached: CASE
            WHEN t.qualification IS NOT NULL AND NOT any(h IN held WHERE h.name = t.qualification
                 AND (t.level IS NULL OR h.level = t.level)) THEN false
            WHEN t.min IS NULL THEN true
            WHEN tv IS NULL THEN null
            WHEN i.tier_op = '>' THEN round(tv, 6) > round(t.min, 6)
            ELSE round(tv, 6) >= round(t.min, 6) END}] AS tiers
WITH *, [t IN tiers WHERE t.reached] AS hits
WITH *, CASE WHEN i.basis <> 'tiers' THEN null
             WHEN size(hits) = 0 AND any(t IN tiers WHERE t.reached IS NULL) THEN 'missing'
             WHEN size(hits) = 0 THEN 'failed'
             WHEN any(t IN hits WHERE t.rate_percent IS NOT NULL) AND base_v IS NULL THEN 'missing_base'
             ELSE 'ok' END AS tier_state
WITH *, CASE WHEN tier_state = 'ok' THEN reduce(best = null, t IN hits |
          CASE WHEN best IS NULL OR coalesce(t.amount_wan, t.rate_percent / 100.0 * base_v) >= best.amt
               THEN t {.*, amt: coalesce(t.amount_wan, t.rate_percent / 100.0 * base_v)} ELSE best END) END AS best,
        CASE WHEN i.excess_over_metric IS NULL THEN base_v
             WHEN base_v IS NULL OR excess_v IS NULL THEN null
             WHEN base_v - i.excess_over_percent / 100.0 * excess_v > 0 THEN base_v - i.excess_over_percent / 100.0 * excess_v
             ELSE 0.0 END AS base
// The amount before earlier awards: fixed; the best tier (capped); rate × base (capped).
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
        crit_missing
          + CASE WHEN i.project_kind IS NOT NULL AND proj IS NULL THEN ['projects:' + i.project_kind] ELSE [] END
          + CASE WHEN industry = 'missing' THEN ['industries'] ELSE [] END
          + CASE WHEN tier_state = 'missing' THEN [i.tier_metric] ELSE [] END
          + CASE WHEN (i.basis IN ['rate', 'matching'] OR tier_state = 'missing_base') AND base_v IS NULL
                 THEN [i.rate_base] ELSE [] END
          + CASE WHEN i.basis IN ['rate', 'matching'] AND base_v IS NOT NULL AND i.excess_over_metric IS NOT NULL
                      AND excess_v IS NULL THEN [i.excess_over_metric] ELSE [] END AS missing
// Earlier awards: 首次, 进档差额, and the limits (a group's Rule node is shared by its incentives).
WITH *, [a IN aw WHERE a.incentive = i.id AND (proj IS NULL OR a.project IS NULL OR a.project = proj.name)] AS own,
        [(i)-[:LIMITED_BY]->(r:Rule) | r {.kind, .years, .amount_wan, .per,
          scope: [(r)<-[:LIMITED_BY]-(j:Incentive) | j.id]}] AS rules
WITH *, reduce(s = 0.0, a IN own | s + a.amount_wan) AS received,
        [r IN rules | r {.*, aws: [a IN aw WHERE a.incentive IN r.scope
          AND (proj IS NULL OR coalesce(r.per, '') = 'enterprise' OR a.project IS NULL OR a.project = proj.name)]}] AS rules2
WITH *, coalesce(i.first_time, false) AND size(own) > 0 AND (best IS NULL OR any(a IN own WHERE
          a.amount_wan >= amount0 - eps OR (a.level IS NOT NULL AND (a.level = best.name OR coalesce(a.level = best.level, false)))))
          AS first_time_failed,
        any(r IN rules WHERE r.kind = 'tier_difference') AND size(own) > 0 AND amount0 IS NOT NULL AS pays_difference,
        [r IN rules2 | r {.*, used: CASE WHEN r.kind = 'annual_total_cap' THEN [a IN r.aws WHERE a.year = day.year]
                                         ELSE r.aws END}] AS rules3
WITH *, CASE WHEN pays_difference THEN CASE WHEN amount0 - received > 0 THEN amount0 - received ELSE 0.0 END
             ELSE amount0 END AS amount1,
        pays_difference AND amount0 - received <= eps AS difference_failed,
        any(r IN rules3 WHERE r.kind = 'no_repeat_years' AND any(a IN r.aws WHERE day.year - a.year < r.years)) AS repeat_failed,
        any(r IN rules3 WHERE r.kind = 'one_per_year' AND any(a IN r.aws WHERE a.year = day.year)) AS one_per_year_failed,
        any(r IN rules3 WHERE r.kind IN ['annual_total_cap', 'total_cap'] AND size(r.used) > 0
            AND r.amount_wan - reduce(s = 0.0, a IN r.used | s + a.amount_wan) <= eps) AS cap_failed,
        [r IN rules3 WHERE r.kind IN ['annual_total_cap', 'total_cap'] |
           CASE WHEN r.amount_wan - reduce(s = 0.0, a IN r.used | s + a.amount_wan) > 0
                THEN r.amount_wan - reduce(s = 0.0, a IN r.used | s + a.amount_wan) ELSE 0.0 END]
          + [r IN rules3 WHERE r.kind = 'per_item_cap' | toFloat(r.amount_wan)] AS caps,
        i.frequency = 'yearly' AND i.max_years IS NOT NULL
          AND size(reduce(ys = [], a IN own | CASE WHEN a.year < day.year AND NOT a.year IN ys THEN ys + a.year ELSE ys END))
              >= i.max_years AS years_failed
WITH *, reduce(m = amount1, c IN caps | CASE WHEN m IS NULL THEN null WHEN c < m THEN c ELSE m END) AS amount2,
        [x IN [
          CASE WHEN recipient_failed THEN 'recipient:' + i.recipient END,
          CASE WHEN industry = 'failed' THEN 'industry' END,
          CASE WHEN qual_failed THEN 'qualification' END,
          CASE WHEN tier_state = 'failed' THEN 'tier:' + coalesce(i.tier_metric, 'qualification') END,
          CASE WHEN i.basis IN ['rate', 'matching'] AND i.excess_over_metric IS NULL AND base_v <= 0
               THEN 'base_not_positive' END,
          CASE WHEN first_time_failed THEN 'first_time' END,
          CASE WHEN difference_failed THEN 'tier_difference' END,
          CASE WHEN repeat_failed THEN 'no_repeat_years' END,
          CASE WHEN one_per_year_failed THEN 'one_per_year' END,
          CASE WHEN cap_failed THEN 'cap_used_up' END,
          CASE WHEN years_failed THEN 'max_years' END] WHERE x IS NOT NULL]
          + [m IN crit_failed | 'criterion:' + m] AS failed
WITH *, CASE
          WHEN eff_until IS NOT NULL AND day > date(eff_until) THEN 'expired'
          WHEN eff_from IS NOT NULL AND day < date(eff_from) THEN 'expired'
          WHEN size(failed) > 0 THEN 'not_eligible'
          WHEN size(missing) > 0 THEN 'missing_data'
          WHEN coalesce(i.competitive, false) OR unstated OR i.basis = 'defers_to' THEN 'needs_selection'
          ELSE 'eligible' END AS status
CALL (v) {
  OPTIONAL MATCH (v)-[resp:RESPONSIBLE]->(a:Agency)
  WITH resp, a ORDER BY resp.position
  RETURN collect(CASE WHEN resp.role = 'lead' THEN a.name END) AS agencies,
         collect(CASE WHEN resp.role = 'cooperating' THEN a.name END) AS cooperating
}
RETURN i.id AS incentive, v.seq AS seq, pol.number AS policy, pol.title AS policy_title,
       proj.name AS project, status,
       CASE WHEN status IN ['eligible', 'needs_selection'] AND amount2 IS NOT NULL THEN round(amount2, 4) END AS amount_wan,
       CASE WHEN status IN ['eligible', 'needs_selection'] AND amount2 IS NOT NULL
            THEN coalesce(CASE WHEN i.basis IN ['rate', 'matching'] THEN i.rate_ceiling ELSE i.ceiling END, false)
            ELSE false END AS amount_is_ceiling,
       CASE WHEN status = 'expired' THEN [] ELSE failed END AS failed,
       CASE WHEN status = 'missing_data' THEN missing ELSE [] END AS missing,
       CASE WHEN status = 'needs_selection' THEN coalesce(i.selection_quote,
            CASE WHEN i.basis = 'defers_to' THEN 'paid under ' + i.defers_to ELSE 'threshold not stated in this text' END)
       END AS selection,
       best.name AS tier, agencies, cooperating, eff_from AS effective_from, eff_until AS effective_until
ORDER BY seq, incentive, project
