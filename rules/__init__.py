"""The rules: what each incentive requires and pays, read strictly from data/incentives.yaml.

`load_rules()` reads the bundled rules (or a file), `validity_status` says whether a text is in
force on a day, `num` writes an amount as people do. Nothing here knows the graph or a profile:
this layer sits between the loaders and the graph model (see `policykg`'s docstring).

Rules files: `rules.draft` drafts them from a policy text, `rules.check` checks them against
it (docs/rules.md).
"""

from policykg.rules.incentives import (PROJECT_RECIPIENTS, Criterion, Incentive, Limit, Metric, ProjectKind,
                                       QualificationDef, QualificationReq, Rules, Tier, load_rules, max_amount_wan)
from policykg.rules.validity import in_force, validity_status
from policykg.rules.words import TOLERANCE, num

__all__ = [
    "PROJECT_RECIPIENTS", "TOLERANCE", "Criterion", "Incentive", "Limit", "Metric", "ProjectKind",
    "QualificationDef", "QualificationReq", "Rules", "Tier", "in_force", "load_rules", "max_amount_wan", "num",
    "validity_status",
]
