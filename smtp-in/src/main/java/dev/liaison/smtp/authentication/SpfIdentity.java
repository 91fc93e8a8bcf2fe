package dev.liaison.smtp.authentication;

/** Which identity SPF checked (RFC 7208 §2.3, §2.4); each is one RFC 8601 property. */
public enum SpfIdentity {
    /** The MAIL FROM address: {@code smtp.mailfrom}. */
    MAILFROM("smtp.mailfrom"),
    /** The EHLO/HELO name, checked when MAIL FROM was {@code <>}: {@code smtp.helo}. */
    HELO("smtp.helo");

    private final String property;

    SpfIdentity(String property) {
        this.property = property;
    }

    /** The RFC 8601 property naming this identity in {@code Authentication-Results:}. */
    public String property() {
        return property;
    }
}
