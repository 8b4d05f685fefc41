package dev.vigil.reports;

/**
 * How many records of the period could not become events, by reason and by the source they most
 * likely came from ({@code null} when none could be told).
 */
public record DeadLetterCount(String reason, String sourceGuess, long count) {}
