"""Every sentence the server's pages show, in one place (Chinese first).

Kept apart from the templates so that one catalogue can later serve them (the gettext
catalogues of the i18n work): the pages receive this table in their data block and look
each sentence up by key; the templates hold structure only.
"""

from __future__ import annotations

from datetime import date

#: Levels as the profile writes them (engine.profile.LEVELS) and as a person reads them.
LEVELS_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级"}

#: The metrics whose year people confuse (the issue: `revenue` or `revenue_prev`?), spelled out.
#: `{assessed}` is the year an award is assessed on when asking today: the last full year.
YEAR_SPELLED = {
    "revenue": "{label}（评定年度，一般为上一完整年度 {assessed} 年）",
    "revenue_prev": "{label}（评定年度的前一年，一般为 {before} 年）",
    "revenue_increase": "{label}（评定年度比前一年增加的营业收入）",
    "revenue_growth": "{label}（评定年度比前一年，%）",
}

PAGE = {
    "app": "policykg 政策计算器",
    "nav_calculator": "政策计算器",
    "nav_explore": "探索",
    "nav_workbench": "文档工作台",
    "nav_api": "API 文档",
    "as_of": "评估日期",
    "name": "企业名称",
    "name_default": "我的企业",
    "industries": "行业",
    "industries_hint": "可多选；按住 Ctrl 或 ⌘ 选择多个",
    "start": "先填两项即可得到答案：行业和上年（评定年度）营业收入。",
    "more_fields": "更多字段",
    "metrics": "经营数据",
    "qualifications": "已获资质与称号",
    "qualification_level": "级别",
    "qualification_date": "认定日期",
    "awards": "已获奖励（用于不重复、差额与上限计算）",
    "award_incentive": "奖励",
    "award_year": "年份",
    "award_amount": "金额（万元）",
    "award_level": "档次或级别（可空）",
    "projects": "项目、产品、平台或APP",
    "project_kind": "类型",
    "project_name": "名称",
    "add": "添加",
    "remove": "删除",
    "compute": "计算",
    "next": "下一步可填：解锁金额最多的字段",
    "next_none": "没有还能改变答案的字段了。",
    "next_awards": "涉及 {n} 项奖励，最高合计 {wan} 万元",
    "next_unstated": "另有 {n} 项金额原文未写明",
    "fill": "填写",
    "import": "导入画像（YAML 或 JSON）",
    "export_yaml": "导出 YAML",
    "export_json": "导出 JSON",
    "error": "出错了",
    "certain": "确定可得（可同时领取）",
    "up_to": "如获评审通过，最多可再得（最高额，不确定）",
    "ends_soon": "政策将于 {until} 到期（剩 {days} 天），请尽快申报",
    "yes": "是",
    "no": "否",
    "unit": "单位",
    "corpus": "语料",
    "search": "搜索政策、干货、责任单位、产业、奖励、称号",
    "search_button": "搜索",
    "search_none": "没有找到。",
    "explore_hint": "先搜索，点击结果打开它的相邻节点；双击节点继续展开。",
    "validity": "有效期",
    "quote": "原文",
    "status_on": "{as_of} 时的状态",
    "upload": "上传政策文件（.txt、.docx、.html、.pdf）",
    "upload_button": "上传并解析",
    "provisions": "条款",
    "warnings": "警告",
    "draft": "起草规则",
    "review": "待确认",
    "check": "检查",
    "save": "保存规则到工作区",
    "saved": "已保存：{path}",
    "ask": "用新文件计算",
    "writes_off": "此服务器未开启写入，不能上传与保存（请管理员以允许写入的方式启动服务）。",
}


def year_label(key: str, label: str, today: date) -> str:
    """A metric's label with its year spelled out where people confuse it."""
    form = YEAR_SPELLED.get(key)
    if form is None:
        return label
    return form.format(label=label, assessed=today.year - 1, before=today.year - 2)


def strings() -> dict:
    """The table the pages look their sentences up in."""
    return {"page": PAGE, "levels": LEVELS_ZH}
