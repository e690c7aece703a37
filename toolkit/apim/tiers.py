"""API Management service tiers and their operation limits (service-limits page, 2026 update). A module of plain
data, so the command line can offer `--tier` without importing the rules."""

# API operations per service instance; API versions and revisions count too
TIER_OPERATION_LIMITS = {"consumption": 3_000, "developer": 3_000, "basic": 10_000, "basicv2": 10_000,
                         "standard": 50_000, "standardv2": 50_000, "premium": 75_000, "premiumv2": 75_000}
# per API, reported by users but not documented (learn.microsoft.com Q&A 5859937, April 2026)
TIER_OPERATIONS_PER_API = {"basicv2": 100}
DEFAULT_TIER = "consumption"  # the most restrictive documented limit (Developer ties with it)
