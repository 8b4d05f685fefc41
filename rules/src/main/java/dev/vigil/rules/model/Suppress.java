package dev.vigil.rules.model;

import java.time.Duration;
import java.util.List;

/**
 * Vigil's {@code suppress}: at most one alert per group key per period, on event time.
 *
 * @param period how long after an alert the same group stays quiet
 * @param by the fields whose values form the group key of a single-event rule (a correlation's key
 *     is its {@code group-by}); empty: one group for the whole rule
 */
public record Suppress(Duration period, List<String> by) {}
