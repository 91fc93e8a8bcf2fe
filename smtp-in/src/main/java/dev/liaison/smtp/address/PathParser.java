package dev.liaison.smtp.address;

import dev.liaison.smtp.address.AddressRefusedException.Reason;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The strict RFC 5321 §4.1.2 path grammar minus every form that has ever been used to relay:
 * source routes, quoted local parts, address literals, {@code %} and {@code !} in the local part,
 * and non-ASCII text. What remains is {@code dot-atom "@" domain}, which is all a mail client needs
 * to address this gateway's aliases. Mixed case is accepted and folded to lower case.
 *
 * <p>Checks run from the most specific relay trick to the generic syntax error so the reply says
 * which trick was refused.
 */
public final class PathParser {

    /** RFC 5321 §4.5.3.1.1. */
    static final int MAX_LOCAL_PART = 64;
    /** RFC 5321 §4.5.3.1.2. */
    static final int MAX_DOMAIN = 255;
    /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
    static final int MAX_PATH = 254;
    /** RFC 1035 §2.3.4. */
    static final int MAX_LABEL = 63;

    private PathParser() {
    }

    /** Parses the text between the angle brackets of a forward- or reverse-path. */
    public static EmailAddress parseMailbox(String path) throws AddressRefusedException {
        if (path == null || path.isEmpty()) {
            throw new AddressRefusedException(Reason.MALFORMED, "empty address");
        }
        refuseRelayForms(path);
        if (path.length() > MAX_PATH) {
            throw new AddressRefusedException(Reason.MALFORMED,
                    "address is " + path.length() + " characters, the limit is " + MAX_PATH);
        }
        int at = path.indexOf('@');
        if (at < 0 || at != path.lastIndexOf('@')) {
            throw new AddressRefusedException(Reason.MALFORMED, "address needs exactly one '@'");
        }
        String local = path.substring(0, at).toLowerCase(Locale.ROOT);
        String domain = path.substring(at + 1).toLowerCase(Locale.ROOT);
        String problem = localPartProblem(local);
        if (problem == null) {
            problem = domainProblem(domain);
        }
        if (problem != null) {
            throw new AddressRefusedException(Reason.MALFORMED, problem);
        }
        return new EmailAddress(local, domain);
    }

    /**
     * Strictly parses a bare domain (a {@code From:} domain, a configured mail domain): ASCII DNS
     * labels, no address literal, no final dot; returned lower-cased.
     */
    public static String parseDomain(String domain) throws AddressRefusedException {
        if (domain == null || domain.isEmpty()) {
            throw new AddressRefusedException(Reason.MALFORMED, "empty domain");
        }
        for (int i = 0; i < domain.length(); i++) {
            if (domain.charAt(i) > 0x7e) {
                throw new AddressRefusedException(Reason.NON_ASCII,
                        "domain contains non-ASCII text (position " + i + "); use its A-label (xn--) form");
            }
        }
        if (domain.startsWith("[")) {
            throw new AddressRefusedException(Reason.ADDRESS_LITERAL, "address literals are not accepted");
        }
        String lower = domain.toLowerCase(Locale.ROOT);
        String problem = domainProblem(lower);
        if (problem != null) {
            throw new AddressRefusedException(Reason.MALFORMED, problem);
        }
        return lower;
    }

    private static void refuseRelayForms(String path) throws AddressRefusedException {
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) > 0x7e) {
                throw new AddressRefusedException(Reason.NON_ASCII, "address contains non-ASCII text (position " + i
                        + "); such an address needs SMTPUTF8 (RFC 6531), given as a MAIL parameter where offered");
            }
        }
        refuseRelaySyntax(path);
    }

    private static void refuseRelaySyntax(String path) throws AddressRefusedException {
        if (path.startsWith("@")) {
            throw new AddressRefusedException(Reason.SOURCE_ROUTE, "source routes are not accepted");
        }
        if (path.contains("\"") || path.contains("\\")) {
            throw new AddressRefusedException(Reason.QUOTED_LOCAL_PART, "quoted local parts are not accepted");
        }
        int at = path.lastIndexOf('@');
        if (at >= 0 && path.startsWith("[", at + 1)) {
            throw new AddressRefusedException(Reason.ADDRESS_LITERAL, "address literals are not accepted");
        }
        if (path.indexOf('%') >= 0) {
            throw new AddressRefusedException(Reason.PERCENT_HACK, "'%' routing is not accepted");
        }
        if (path.indexOf('!') >= 0) {
            throw new AddressRefusedException(Reason.BANG_PATH, "'!' bang paths are not accepted");
        }
    }

    /**
     * Parses the reverse-path of an SMTPUTF8 transaction (RFC 6531 §3.3): a dot-atom local part
     * whose atoms may hold UTF-8 text besides {@code atext}, and a domain given as A-labels or
     * U-labels, returned as A-labels (RFC 5890), lower-cased. Every relay form stays refused.
     * {@code path} is the command's octets read as UTF-8: a U+FFFD there was an octet sequence
     * that is not UTF-8, which RFC 6531 does not allow.
     */
    public static InternationalAddress parseInternationalMailbox(String path) throws AddressRefusedException {
        if (path == null || path.isEmpty()) {
            throw new AddressRefusedException(Reason.MALFORMED, "empty address");
        }
        if (path.indexOf('\uFFFD') >= 0) {
            throw new AddressRefusedException(Reason.MALFORMED, "address is not valid UTF-8 (RFC 6531 section 3.3)");
        }
        refuseRelaySyntax(path);
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH) {
            throw new AddressRefusedException(Reason.MALFORMED, "address is over " + MAX_PATH + " octets");
        }
        int at = path.indexOf('@');
        if (at < 0 || at != path.lastIndexOf('@')) {
            throw new AddressRefusedException(Reason.MALFORMED, "address needs exactly one '@'");
        }
        String local = path.substring(0, at).toLowerCase(Locale.ROOT);
        String uLabels = path.substring(at + 1);
        if (!idna2008Safe(uLabels)) {
            throw new AddressRefusedException(Reason.MALFORMED, "domain has characters that IDNA2003 and IDNA2008"
                    + " read differently (ß, ς, joiners, or compatibility forms): write it as A-labels (xn--…)");
        }
        String domain;
        try {
            domain = IDN.toASCII(uLabels, 0).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new AddressRefusedException(Reason.MALFORMED, "domain is not a valid internationalised domain name");
        }
        String problem = internationalLocalPartProblem(local);
        if (problem == null) {
            problem = domainProblem(domain);
        }
        if (problem != null) {
            throw new AddressRefusedException(Reason.MALFORMED, problem);
        }
        return new InternationalAddress(local, domain);
    }

    /**
     * Whether the JDK's IDNA2003 {@link IDN#toASCII} gives this domain the A-labels IDNA2008 (RFC
     * 5890-5892) would: not for ß and ς (mapped to ss and σ: {@code straße.example} would be checked
     * by SPF as {@code strasse.example}), the joiners (deleted), or anything NFKC changes (full-width
     * letters and dots folded to ASCII, U+2024 made a dot).
     */
    private static boolean idna2008Safe(String domain) {
        return domain.indexOf('ß') < 0 && domain.indexOf('ς') < 0 && domain.indexOf('\u200C') < 0
                && domain.indexOf('\u200D') < 0 && java.text.Normalizer.isNormalized(domain, java.text.Normalizer.Form.NFKC);
    }

    /**
     * RFC 6531 §3.3: atext extended by UTF8-non-ascii; no control characters (C1 included), and no
     * invisible or look-alike ones: format characters (bidi overrides, zero-width), space separators
     * (no-break space), private use, and nothing whose compatibility form is a relay or quoting
     * character (full-width ＠ ％ ！).
     */
    private static String internationalLocalPartProblem(String local) {
        int octets = local.getBytes(StandardCharsets.UTF_8).length;
        if (local.isEmpty() || octets > MAX_LOCAL_PART) {
            return "local part must be 1.." + MAX_LOCAL_PART + " octets, got " + octets;
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return "local part has an empty dot-separated atom";
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean text = c >= 0xa0 ? !Character.isISOControl(c) && !Character.isWhitespace(c) && !invisible(c)
                    : isAtext(c) || c == '.';
            if (!text) {
                return "local part contains '" + printable(c) + "'";
            }
        }
        String compatible = java.text.Normalizer.normalize(local, java.text.Normalizer.Form.NFKC);
        if (compatible.chars().anyMatch(c -> c == '@' || c == '%' || c == '!' || c == '"' || c == ':')) {
            return "local part has a character that stands for '@', '%', '!', '\"' or ':'";
        }
        return null;
    }

    private static boolean invisible(char c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.SPACE_SEPARATOR || type == Character.PRIVATE_USE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** Returns why {@code local} is not a dot-atom we accept, or {@code null}. */
    static String localPartProblem(String local) {
        if (local.isEmpty() || local.length() > MAX_LOCAL_PART) {
            return "local part must be 1.." + MAX_LOCAL_PART + " characters, got " + local.length();
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return "local part has an empty dot-separated atom";
        }
        for (int i = 0; i < local.length(); i++) {
            if (!isAtext(local.charAt(i)) && local.charAt(i) != '.') {
                return "local part contains '" + printable(local.charAt(i)) + "'";
            }
        }
        return null;
    }

    /** Returns why {@code domain} is not a DNS name we accept, or {@code null}. */
    static String domainProblem(String domain) {
        if (domain.isEmpty() || domain.length() > MAX_DOMAIN) {
            return "domain must be 1.." + MAX_DOMAIN + " characters, got " + domain.length();
        }
        if (domain.endsWith(".")) {
            return "domain ends with a dot";
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                return "domain label must be 1.." + MAX_LABEL + " characters";
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                return "domain label starts or ends with '-'";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(isLowerAlpha(c) || isDigit(c) || c == '-')) {
                    return "domain contains '" + printable(c) + "'";
                }
            }
        }
        return null;
    }

    /** RFC 5322 §3.2.3 atext, minus '%' and '!' (relay syntax), lower case only. */
    private static boolean isAtext(char c) {
        return isLowerAlpha(c) || isDigit(c) || "#$&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static boolean isLowerAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(char c) {
        return c >= 0x21 && c <= 0x7e ? String.valueOf(c) : String.format("U+%04X", (int) c);
    }

    static void requireCanonical(String local, String domain) {
        String problem = local == null ? "local part is null" : localPartProblem(local);
        if (problem == null) {
            problem = domain == null ? "domain is null" : domainProblem(domain);
        }
        if (problem != null) {
            throw new IllegalArgumentException("not a canonical address: " + problem);
        }
    }
}
