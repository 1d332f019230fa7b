-- The baseline policykg's `match --only` is measured against (bench/bench_match.py): what a bureau's
-- data engineer would write by hand in DuckDB instead of running policykg, for 15 incentives
-- (11 paid to the enterprise, 4 per project), one statement over the register and its projects
-- table as bench/register_gen.py writes them (parquet; the units of its headers are written into
-- the SQL: revenue[万元], ecommerce_gmv[亿元], exhibition_booth_fees[元], ...).
--
-- It covers every kind of rule: thresholds on given and derived metrics (revenue_growth, rd_ratio),
-- revenue tiers (1.1) and title tiers (24.3), rate x base with caps, including "R&D above 20% of
-- revenue" (3.1), titles with 首次 dates (2.1, 10.2), 一次性 (29.1, 29.2, 33.2, 4.3, 18.1, 37.1),
-- 进档差额 (1.1, 24.3), 每年只享受一项 (4.3), yearly caps shared by a group (40.1, 40.2) and per
-- enterprise over its licences (37.1), per-item caps (5.1), needs_selection (3.1, 5.1), and the
-- per-project awards with the projects' own incentive lists. Thresholds, amounts and dates are
-- copied from data/incentives.yaml by hand: that is the point of a second implementation, and why
-- tests/test_match.py checks its rows against `match --only` on a generated register.
--
-- {register}, {projects}: parquet paths; {as_of}: YYYY-MM-DD. Rows in match's order: the
-- register's row, then the incentive's place in data/incentives.yaml, then the project's row.
WITH
inc(id, k, seq, policy, ceiling, selection, valid_from, valid_until) AS (VALUES
    ('1.1', 0, 1, 1, false, false, DATE '2022-11-25', DATE '2025-11-24'),
    ('2.1', 3, 2, 1, false, false, DATE '2022-11-25', DATE '2025-11-24'),
    ('3.1', 7, 3, 1, true, true, DATE '2022-11-25', DATE '2025-11-24'),
    ('4.3', 10, 4, 1, true, false, DATE '2022-11-25', DATE '2025-11-24'),
    ('5.1', 13, 5, 1, false, true, DATE '2022-11-25', DATE '2025-11-24'),
    ('10.2', 24, 10, 2, false, false, DATE '2023-08-25', DATE '2026-12-31'),
    ('15.1', 31, 15, 3, true, false, DATE '2022-08-08', DATE '2026-12-31'),
    ('18.1', 37, 18, 3, false, false, DATE '2022-08-08', DATE '2026-12-31'),
    ('24.3', 49, 24, 7, false, false, DATE '1900-01-01', DATE '2025-12-31'),
    ('29.1', 58, 29, 8, true, false, DATE '2022-07-01', DATE '2025-12-31'),
    ('29.2', 59, 29, 8, true, false, DATE '2022-07-01', DATE '2025-12-31'),
    ('33.2', 68, 33, 8, true, false, DATE '2022-07-01', DATE '2025-12-31'),
    ('37.1', 72, 37, 9, true, false, DATE '2023-03-01', DATE '2026-02-28'),
    ('40.1', 77, 40, 10, true, false, DATE '1900-01-01', DATE '2025-12-31'),
    ('40.2', 78, 40, 10, false, false, DATE '1900-01-01', DATE '2025-12-31')
),
day AS (SELECT DATE '{as_of}' AS d, year(DATE '{as_of}') AS y),
raw AS (SELECT * FROM read_parquet('{register}', file_row_number = true)),
-- the enterprises, in canonical units (万元, %), derived metrics where not given
e AS (
    SELECT file_row_number AS r, trim(id) AS id, trim(name) AS name,
           list_filter(list_transform(string_split(coalesce(industries, ''), ';'), lambda x: trim(x)), lambda x: x <> '') AS inds,
           round("revenue[万元]", 6) AS revenue,
           round("revenue_prev[万元]", 6) AS revenue_prev,
           coalesce(round("revenue_growth[%]", 6),
                    round(("revenue[万元]" - "revenue_prev[万元]") / nullif("revenue_prev[万元]", 0) * 100, 6))
               AS revenue_growth,
           round("revenue_growth_avg_3y[%]", 6) AS revenue_growth_avg_3y,
           round("rd_spend[万元]", 6) AS rd_spend,
           round(round("rd_spend[万元]", 6) / nullif(round("revenue_prev[万元]", 6), 0) * 100, 6) AS rd_ratio,
           round("ecommerce_gmv[亿元]" * 10000, 6) AS ecommerce_gmv,
           stats_direct_reporting,
           round("ecommerce_clients_served[家]", 6) AS ecommerce_clients_served,
           round("ecommerce_service_income[万元]", 6) AS ecommerce_service_income,
           round("ecommerce_service_income_growth_avg_2y[%]", 6) AS ecommerce_service_income_growth_avg_2y,
           round("exhibition_booth_fees[元]" * 0.0001, 6) AS exhibition_booth_fees,
           round("anime_overseas_licensing_income[万元]", 6) AS anime_overseas_licensing_income
    FROM raw
),
-- qualifications held on the day: name@level:YYYY-MM-DD entries (an undated entry is held, except for 首次)
q AS (
    SELECT r, name, coalesce(CASE lv WHEN '国家级' THEN 'national' WHEN '省级' THEN 'provincial'
                                     WHEN '市级' THEN 'municipal' ELSE nullif(lv, '') END,
                                CASE WHEN name IN ('国家鼓励的重点软件企业', '专精特新小巨人', '工业互联网APP优秀解决方案')
                                     THEN 'national' END) AS level,
           CAST(nullif(dt, '') AS DATE) AS qday
    FROM (
        SELECT r, regexp_extract(entry, '^\s*([^@:;]*?)\s*(?:@\s*([^:;]*?))?\s*(?::\s*([^;]*?))?\s*$', 1) AS name,
                  regexp_extract(entry, '^\s*([^@:;]*?)\s*(?:@\s*([^:;]*?))?\s*(?::\s*([^;]*?))?\s*$', 2) AS lv,
                  regexp_extract(entry, '^\s*([^@:;]*?)\s*(?:@\s*([^:;]*?))?\s*(?::\s*([^;]*?))?\s*$', 3) AS dt
        FROM (SELECT file_row_number AS r, trim(unnest(string_split(qualifications, ';'))) AS entry
              FROM raw WHERE qualifications IS NOT NULL)
        WHERE entry <> ''
    )
    WHERE CAST(nullif(dt, '') AS DATE) IS NULL OR CAST(nullif(dt, '') AS DATE) <= (SELECT d FROM day)
),
-- the projects, each with the row of its enterprise
p AS (
    SELECT pr.file_row_number AS p, e.r, trim(pr.name) AS pname, trim(pr.kind) AS kind,
           round(pr."investment[万元]", 6) AS investment,
           round(pr."tape_out_cost[万元]", 6) AS tape_out_cost,
           pr.completed,
           list_filter(list_transform(string_split(coalesce(pr.incentives, ''), ';'), lambda x: trim(x)), lambda x: x <> '')
               AS only_for
    FROM read_parquet('{projects}', file_row_number = true) pr JOIN e ON trim(pr.enterprise_id) = e.id
),
-- prior awards counted on the day (year up to as-of's), the enterprise's own and its projects'
aw AS (
    SELECT r, p, regexp_extract(entry, '^\s*([^@:;]*?)\s*@', 1) AS inc,
           CAST(regexp_extract(entry, '@\s*([^:;]*?)\s*:', 1) AS INTEGER) AS year,
           round(CAST(regexp_extract(entry, ':\s*([^:;]*?)\s*(?::|$)', 1) AS DOUBLE), 6) AS amount,
           coalesce(regexp_extract(entry, '^[^:]*:[^:]*:\s*(.*?)\s*$', 1), '') AS level
    FROM (
        SELECT file_row_number AS r, NULL::BIGINT AS p, trim(unnest(string_split(awards, ';'))) AS entry
        FROM raw WHERE awards IS NOT NULL
        UNION ALL
        SELECT e.r, pr.file_row_number AS p, trim(unnest(string_split(pr.awards, ';'))) AS entry
        FROM read_parquet('{projects}', file_row_number = true) pr JOIN e ON trim(pr.enterprise_id) = e.id
        WHERE pr.awards IS NOT NULL
    )
    WHERE entry <> '' AND CAST(regexp_extract(entry, '@\s*([^:;]*?)\s*:', 1) AS INTEGER) <= (SELECT y FROM day)
),
own AS (  -- per enterprise and incentive: counted awards, their sum, this year's sum
    SELECT r, inc, count(*) AS n, sum(amount) AS received,
           sum(CASE WHEN year = (SELECT y FROM day) THEN amount END) AS this_year,
           count(CASE WHEN year = (SELECT y FROM day) THEN 1 END) AS n_this_year
    FROM aw GROUP BY r, inc
),
-- 1.1 软件企业年营收首次达到规模: the highest revenue tier reached; 首次 each level once; 进档差额
t11 AS (
    SELECT r, CASE WHEN revenue >= 5000000 THEN 3000 WHEN revenue >= 2000000 THEN 1500
                   WHEN revenue >= 1000000 THEN 1000 WHEN revenue >= 500000 THEN 500
                   WHEN revenue >= 200000 THEN 200 WHEN revenue >= 100000 THEN 100 ELSE 50 END AS tier_amount,
              CASE WHEN revenue >= 5000000 THEN '年营收500亿元' WHEN revenue >= 2000000 THEN '年营收200亿元'
                   WHEN revenue >= 1000000 THEN '年营收100亿元' WHEN revenue >= 500000 THEN '年营收50亿元'
                   WHEN revenue >= 200000 THEN '年营收20亿元' WHEN revenue >= 100000 THEN '年营收10亿元'
                   ELSE '年营收5亿元' END AS label
    FROM e WHERE list_contains(inds, '软件和信息服务业') AND revenue >= 50000
),
m11 AS (
    SELECT t.r, '1.1' AS id, NULL::BIGINT AS p,
           CASE WHEN o.n > 0 THEN greatest(0, t.tier_amount - o.received) ELSE t.tier_amount END AS amount
    FROM t11 t LEFT JOIN own o ON o.r = t.r AND o.inc = '1.1'
    WHERE NOT EXISTS (SELECT 1 FROM aw WHERE aw.r = t.r AND aw.inc = '1.1'
                      AND ((aw.level <> '' AND aw.level = t.label) OR aw.amount >= t.tier_amount - 1e-9))
      AND NOT (coalesce(o.n, 0) > 0 AND greatest(0, t.tier_amount - o.received) <= 1e-9)
),
-- 2.1 / 10.2: a title obtained (首次) while the policy is in force, paid once
m21 AS (
    SELECT r, '2.1' AS id, NULL::BIGINT AS p, 200.0 AS amount FROM e
    WHERE list_contains(inds, '软件和信息服务业')
      AND EXISTS (SELECT 1 FROM q WHERE q.r = e.r AND q.name = '国家鼓励的重点软件企业' AND q.level = 'national')
      AND NOT EXISTS (SELECT 1 FROM q WHERE q.r = e.r AND q.name = '国家鼓励的重点软件企业' AND q.level = 'national'
                      AND (q.qday IS NULL OR q.qday < DATE '2022-11-25'))
      AND NOT EXISTS (SELECT 1 FROM own WHERE own.r = e.r AND own.inc = '2.1')
),
m102 AS (
    SELECT r, '10.2' AS id, NULL::BIGINT AS p, 100.0 AS amount FROM e
    WHERE list_contains(inds, '人工智能产业')
      AND EXISTS (SELECT 1 FROM q WHERE q.r = e.r AND q.name = '专精特新小巨人' AND q.level = 'national')
      AND NOT EXISTS (SELECT 1 FROM q WHERE q.r = e.r AND q.name = '专精特新小巨人' AND q.level = 'national'
                      AND (q.qday IS NULL OR q.qday < DATE '2023-08-25'))
      AND NOT EXISTS (SELECT 1 FROM own WHERE own.r = e.r AND own.inc = '10.2')
),
-- 3.1: 20% of the R&D spend above 20% of last year's revenue, at most 1000万元 (ranked: needs_selection)
m31 AS (
    SELECT r, '3.1' AS id, NULL::BIGINT AS p,
           round(least((20 / 100) * greatest(0.0, rd_spend - (20 / 100) * revenue_prev), 1000), 4) AS amount
    FROM e
    WHERE list_contains(inds, '软件和信息服务业') AND revenue_prev >= 20000 AND revenue_growth > 20 AND rd_ratio > 20
      AND rd_spend IS NOT NULL
),
-- 4.3: a national title, once, and one award a year among 4.3 and 4.4
m43 AS (
    SELECT r, '4.3' AS id, NULL::BIGINT AS p, 50.0 AS amount FROM e
    WHERE EXISTS (SELECT 1 FROM q WHERE q.r = e.r AND q.name = '工业互联网APP优秀解决方案' AND q.level = 'national')
      AND NOT EXISTS (SELECT 1 FROM own WHERE own.r = e.r AND own.inc = '4.3')
      AND NOT EXISTS (SELECT 1 FROM own WHERE own.r = e.r AND own.inc IN ('4.3', '4.4') AND own.n_this_year > 0)
),
-- 24.3: 300万元 for a national, 200万元 for a provincial 工业互联网平台; 进档差额
t243 AS (
    SELECT r, max(CASE level WHEN 'national' THEN 300 WHEN 'provincial' THEN 200 END) AS tier_amount
    FROM q WHERE name = '工业互联网平台' AND level IN ('national', 'provincial') GROUP BY r
),
m243 AS (
    SELECT t.r, '24.3' AS id, NULL::BIGINT AS p,
           CASE WHEN o.n > 0 THEN greatest(0, t.tier_amount - o.received) ELSE t.tier_amount END AS amount
    FROM t243 t LEFT JOIN own o ON o.r = t.r AND o.inc = '24.3'
    WHERE NOT (coalesce(o.n, 0) > 0 AND greatest(0, t.tier_amount - o.received) <= 1e-9)
),
-- 29.1, 29.2, 33.2: thresholds, a fixed amount, once
m291 AS (
    SELECT r, '29.1' AS id, NULL::BIGINT AS p, 100.0 AS amount FROM e
    WHERE list_contains(inds, '数字消费') AND ecommerce_gmv >= 1000000
      AND NOT EXISTS (SELECT 1 FROM own WHERE own.r = e.r AND own.inc = '29.1')
),
m292 AS (
    SELECT r, '29.2' AS id, NULL::BIGINT AS p, 100.0 AS amount FROM e
    WHERE list_contains(inds, '数字消费') AND stats_direct_reporting AND revenue > 2000 AND revenue_growth_avg_3y >= 20
      AND NOT EXISTS (SELECT 1 FROM own WHERE own.r = e.r AND own.inc = '29.2')
),
m332 AS (
    SELECT r, '33.2' AS id, NULL::BIGINT AS p, 50.0 AS amount FROM e
    WHERE list_contains(inds, '数字消费') AND ecommerce_clients_served >= 50 AND ecommerce_service_income >= 1000
      AND ecommerce_service_income_growth_avg_2y >= 20
      AND NOT EXISTS (SELECT 1 FROM own WHERE own.r = e.r AND own.inc = '33.2')
),
-- 40.1 / 40.2: a rate of booth fees / licensing income, 100万元 a year between them (and 40.3)
cap40 AS (SELECT r, sum(this_year) AS used, sum(n_this_year) AS n FROM own WHERE inc IN ('40.1', '40.2', '40.3') GROUP BY r),
r40 AS (
    SELECT e.r, '40.1' AS id, round((50 / 100) * exhibition_booth_fees, 4) AS amount FROM e
    WHERE list_contains(inds, '数字文创') AND exhibition_booth_fees > 0
    UNION ALL
    SELECT e.r, '40.2' AS id, round((10 / 100) * anime_overseas_licensing_income, 4) AS amount FROM e
    WHERE list_contains(inds, '数字文创') AND anime_overseas_licensing_income > 0
),
m40 AS (
    SELECT x.r, x.id, NULL::BIGINT AS p,
           CASE WHEN x.amount > greatest(0, 100 - coalesce(c.used, 0)) + 1e-9
                THEN greatest(0, 100 - coalesce(c.used, 0)) ELSE x.amount END AS amount
    FROM r40 x LEFT JOIN cap40 c ON c.r = x.r
    WHERE NOT (coalesce(c.n, 0) > 0 AND greatest(0, 100 - c.used) <= 1e-9)
),
-- per project: of the award's kind, and not listing only other incentives
mp AS (
    -- 5.1: 30% of the investment, at most 1000万元, at most 500万元 a participant (selected: needs_selection)
    SELECT r, '5.1' AS id, p, least(round(least((30 / 100) * investment, 1000), 4), 500) AS amount FROM p
    WHERE kind = 'collaborative_software_rd' AND (len(only_for) = 0 OR list_contains(only_for, '5.1'))
      AND investment > 0
    UNION ALL
    -- 15.1: 15% of a tape-out of at least 1000万元, at most 2000万元
    SELECT r, '15.1' AS id, p, round(least((15 / 100) * tape_out_cost, 2000), 4) AS amount FROM p
    WHERE kind = 'tape_out' AND (len(only_for) = 0 OR list_contains(only_for, '15.1')) AND tape_out_cost >= 1000
    UNION ALL
    -- 18.1: 6% of a completed platform's investment of at least 5亿元, at most 5000万元, once for it
    SELECT r, '18.1' AS id, p, round(least((6 / 100) * investment, 5000), 4) AS amount FROM p
    WHERE kind = 'ic_public_platform' AND (len(only_for) = 0 OR list_contains(only_for, '18.1'))
      AND investment >= 50000 AND completed
      AND NOT EXISTS (SELECT 1 FROM aw WHERE aw.p = p.p AND aw.inc = '18.1')
    UNION ALL
    -- 37.1: 20万元 a licence (once for it), at most 100万元 a year for the enterprise
    SELECT p.r, '37.1' AS id, p.p,
           CASE WHEN 20 > greatest(0, 100 - coalesce(o.this_year, 0)) + 1e-9
                THEN greatest(0, 100 - coalesce(o.this_year, 0)) ELSE 20.0 END AS amount
    FROM p JOIN e ON e.r = p.r LEFT JOIN own o ON o.r = p.r AND o.inc = '37.1'
    WHERE p.kind = 'overseas_payment_licence' AND (len(p.only_for) = 0 OR list_contains(p.only_for, '37.1'))
      AND list_contains(e.inds, '数字金融')
      AND NOT EXISTS (SELECT 1 FROM aw WHERE aw.p = p.p AND aw.inc = '37.1')
      AND NOT (coalesce(o.n_this_year, 0) > 0 AND greatest(0, 100 - o.this_year) <= 1e-9)
),
found AS (
    SELECT * FROM m11 UNION ALL SELECT * FROM m21 UNION ALL SELECT * FROM m102 UNION ALL SELECT * FROM m31
    UNION ALL SELECT * FROM m43 UNION ALL SELECT * FROM m243 UNION ALL SELECT * FROM m291
    UNION ALL SELECT * FROM m292 UNION ALL SELECT * FROM m332 UNION ALL SELECT * FROM m40
    UNION ALL SELECT * FROM mp
)
SELECT e.id AS enterprise_id, e.name AS enterprise_name, f.id AS incentive, pj.pname AS project,
       CAST(inc.seq AS INTEGER) AS seq, CAST(inc.policy AS INTEGER) AS policy,
       CASE WHEN inc.selection THEN 'needs_selection' ELSE 'eligible' END AS status,
       round(f.amount, 4) AS amount_wan, inc.ceiling AS amount_is_ceiling, '{as_of}' AS as_of
FROM found f
JOIN inc ON inc.id = f.id
JOIN e ON e.r = f.r
LEFT JOIN p pj ON pj.p = f.p
WHERE (SELECT d FROM day) BETWEEN inc.valid_from AND inc.valid_until
ORDER BY f.r, inc.k, f.p
