"""Moved to `policykg.rules` (the rules are their own layer now); kept so older imports still work."""

from policykg.rules.incentives import *  # noqa: F401,F403
from policykg.rules.incentives import DATA_DIR, INCENTIVES_PATH, METRICS_PATH, QUALIFICATIONS_PATH, _read  # noqa: F401
