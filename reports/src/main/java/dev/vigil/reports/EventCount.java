package dev.vigil.reports;

import java.time.LocalDate;

/**
 * How many events of one source and category, refused ({@code denied}) or not, happened on one UTC
 * day. The finest grain a report needs: coverage by source and category, and by day to show gaps.
 */
public record EventCount(
    String source, String category, boolean denied, LocalDate day, long count) {}
