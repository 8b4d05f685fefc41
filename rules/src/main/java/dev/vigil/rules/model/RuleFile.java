package dev.vigil.rules.model;

import java.util.List;

/** One rule file: its documents in file order (base rules and correlations). */
public record RuleFile(String file, List<RuleDocument> documents) {}
