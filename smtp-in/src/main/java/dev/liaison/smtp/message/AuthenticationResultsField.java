package dev.liaison.smtp.message;

import dev.liaison.smtp.authentication.DkimCheck;
import dev.liaison.smtp.authentication.DmarcCheck;
import dev.liaison.smtp.authentication.DmarcResult;
import dev.liaison.smtp.authentication.SenderAuthentication;
import dev.liaison.smtp.authentication.SpfCheck;

/**
 * Renders {@code Authentication-Results:} (RFC 8601 §2.2) with this host's name as authserv-id,
 * one method per line, folded:
 *
 * <pre>
 * Authentication-Results: mx.gw.example;
 *     spf=pass smtp.mailfrom=bob@legacy.example;
 *     dkim=pass header.d=legacy.example header.s=sel1 header.b=AbCdEfGh;
 *     dmarc=pass (p=reject dis=none) header.from=legacy.example
 * </pre>
 *
 * Every value comes from a strict parser or is reduced to token characters (and quoted where RFC
 * 2045's tspecials remain), so a sender cannot inject text into the field.
 */
final class AuthenticationResultsField {

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

    private AuthenticationResultsField() {
    }

    static String render(String authservId, SenderAuthentication results) {
        StringBuilder field = new StringBuilder(256).append("Authentication-Results: ").append(authservId);
        SpfCheck spf = results.spf();
        field.append(";\r\n\tspf=").append(spf.result().keyword()).append(' ').append(spf.identity().property())
                .append('=').append(spfSubject(spf));
        if (results.dkim().isEmpty()) {
            field.append(";\r\n\tdkim=none");
        }
        for (DkimCheck dkim : results.dkim()) {
            field.append(";\r\n\tdkim=").append(dkim.result().keyword());
            property(field, "header.d", dkim.domain());
            property(field, "header.s", dkim.selector());
            property(field, "header.b", dkim.signatureStart());
        }
        DmarcCheck dmarc = results.dmarc();
        field.append(";\r\n\tdmarc=").append(dmarc.result().keyword());
        if (dmarc.result() == DmarcResult.PASS || dmarc.result() == DmarcResult.FAIL) {
            field.append(" (p=").append(dmarc.policy().keyword()).append(" dis=")
                    .append(dmarc.disposition().name().toLowerCase(java.util.Locale.ROOT)).append(')');
        }
        field.append(" header.from=").append(dmarc.fromDomain()).append("\r\n");
        return field.toString();
    }

    /** A MAIL FROM address (strictly parsed dot-atom) is a valid pvalue; a HELO name is sanitised. */
    private static String spfSubject(SpfCheck spf) {
        return switch (spf.identity()) {
            case MAILFROM -> spf.subject();
            case HELO -> value(TraceFields.sanitize(spf.subject()));
        };
    }

    private static void property(StringBuilder field, String name, String value) {
        if (!value.isEmpty()) {
            field.append(' ').append(name).append('=').append(value(value));
        }
    }

    /** RFC 8601 §2.2 pvalue: the text as a token if it is one, else as a quoted-string. */
    static String value(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f || TSPECIALS.indexOf(c) >= 0) {
                return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            }
        }
        return text;
    }
}
