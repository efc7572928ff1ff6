"""The claim kinds and figure roles a claim rule may name, with the Chinese words messages use.

One home for these names: rule files are validated against them, the resolver names a missing
role with them, and skips name a kind with them (validator.claims says which kind has which roles).
"""

CLAIM_ROLES = {"total": "合计数", "parts": "分项", "numerator": "分子", "denominator": "分母", "rate": "百分比",
               "base": "基期数", "current": "本期数", "change": "增减额", "part": "部分数", "whole": "总数",
               "score": "得分", "minuend": "预算数", "subtrahend": "支出数", "difference": "结余数",
               "shares": "各项占比"}
CLAIM_KINDS = {"parts": "合计与分项", "formula": "比率公式", "ratio": "完成率或执行率", "change": "增减变动",
               "share": "占比", "grade": "得分与等级", "score": "自评得分", "balance": "预算、支出与结余",
               "share_sum": "各项占比之和", "comparison": "比较方向"}
