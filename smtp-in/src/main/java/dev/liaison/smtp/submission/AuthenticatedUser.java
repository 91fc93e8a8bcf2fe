package dev.liaison.smtp.submission;

/**
 * The identity a {@link SubmissionAuthenticator} vouched for; opaque to smtp-in, which only hands
 * it back to the {@link RecipientPolicy} and in the {@link Submission}.
 *
 * @param id the gateway's stable user id (not necessarily the login name)
 */
public record AuthenticatedUser(String id) {
    public AuthenticatedUser {
        if (id == null || id.isBlank() || id.length() > 255) {
            throw new IllegalArgumentException("user id must be 1..255 non-blank characters, got "
                    + (id == null ? "null" : id.length() + " characters"));
        }
    }
}
