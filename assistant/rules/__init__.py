"""Eligibility rules as data: the rules-file format, its validator and loader, and the drafting compiler."""

from assistant.rules.load import CompiledRule, RuleSet, load_rules, load_rules_file, rules_path

__all__ = ["CompiledRule", "RuleSet", "load_rules", "load_rules_file", "rules_path"]
