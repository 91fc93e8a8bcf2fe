package dev.liaison.gateway.submission;

import java.util.Set;

/**
 * Crash points for the process-level crash tests: when {@code LIAISON_FAILPOINT} names a point,
 * the process halts there as abruptly as {@code kill -9} would (no shutdown hooks, no flush).
 * Unset in production; read once at start-up.
 */
final class Failpoints {

    static final String SUBMISSION_BEFORE_COMMIT = "submission.before-commit";
    static final String SUBMISSION_AFTER_COMMIT = "submission.after-commit";
    private static final Set<String> KNOWN = Set.of(SUBMISSION_BEFORE_COMMIT, SUBMISSION_AFTER_COMMIT);
    private static final String ACTIVE = System.getenv("LIAISON_FAILPOINT");

    private Failpoints() {
    }

    static void reach(String point) {
        if (point.equals(ACTIVE) && KNOWN.contains(point)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
