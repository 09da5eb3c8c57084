package io.gantry.discovery.check;

/** One check's outcome and, for a person, what was seen ({@code HTTP 200}, {@code connect refused}). */
public record CheckResult(boolean healthy, String detail) {
}
