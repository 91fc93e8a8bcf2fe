package dev.liaison.smtp.submission;

/**
 * The identity a {@link SubmissionAuthenticator} vouched for; opaque to smtp-in, which only hands
 * it back to the {@link RecipientPolicy} and in the {@link Submission}.
 *
 * @param id       the gateway's stable user id (not necessarily the login name)
 * @param identity what tells this user apart from a later one given the same {@code id} after the
 *                 first was removed (the gateway checks it before taking a message), or null when
 *                 the authenticator's ids are never given again
 */
public record AuthenticatedUser(String id, String identity) {
    public AuthenticatedUser {
        if (id == null || id.isBlank() || id.length() > 255) {
            throw new IllegalArgumentException("user id must be 1..255 non-blank characters, got "
                    + (id == null ? "null" : id.length() + " characters"));
        }
        if (identity != null && (identity.isBlank() || identity.length() > 255)) {
            throw new IllegalArgumentException("user identity must be 1..255 non-blank characters, got "
                    + identity.length() + " characters");
        }
    }

    /** A user whose id is never given to another. */
    public AuthenticatedUser(String id) {
        this(id, null);
    }
}
