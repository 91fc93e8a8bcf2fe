package dev.liaison.smtp.authentication;

import dev.liaison.smtp.dns.DnsLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DKIM (RFC 6376) with Apache James jDKIM: every shown {@code DKIM-Signature:} field (see
 * {@link SignedFields}) verified against the body in one pass, one {@link DkimCheck} each, passes
 * first. jDKIM's verifier keeps per-message state, so one is made per message.
 */
final class DkimVerification {

    private static final Logger LOG = LoggerFactory.getLogger(DkimVerification.class);
    /** RFC 6008 §4 suggests at least 8 characters of {@code b=} to tell signatures apart. */
    private static final int SIGNATURE_PREFIX = 8;
    /** The answer when no signature could be verified at all: one permerror, naming no signer. */
    private static final List<DkimCheck> UNVERIFIED = List.of(new DkimCheck(DkimResult.PERMERROR, "", "", ""));

    private final int maxSignatures;
    private final Charset platform;

    DkimVerification(int maxSignatures) {
        this(maxSignatures, Charset.defaultCharset());
    }

    /** @param platform the charset jDKIM hashes header text in (the JVM's default; another in tests) */
    DkimVerification(int maxSignatures, Charset platform) {
        this.maxSignatures = maxSignatures;
        this.platform = platform;
    }

    List<DkimCheck> verify(List<String> headerFields, InputStream body, DnsLookup dns) {
        SignedFields fields = new SignedFields(headerFields, maxSignatures, platform);
        if (fields.getFields(SignedFields.DKIM_SIGNATURE).isEmpty()) {
            return List.of();
        }
        if (!fields.exact()) {
            LOG.warn("DKIM not verified, reported as permerror: the message has 8-bit header text that jDKIM would"
                    + " hash as other octets in this JVM's default charset ({}); start Liaison with"
                    + " -Dfile.encoding=UTF-8 (or a UTF-8 locale) to verify such signatures", platform);
            return UNVERIFIED;
        }
        DKIMVerifier verifier = new DKIMVerifier(new DkimKeyRecords(dns));
        try {
            verifier.verify(fields, body);
        } catch (FailException noSignatureVerified) {
            // Every signature's own result is in getResults(); this only says none passed.
        } catch (IOException | RuntimeException e) {
            LOG.warn("DKIM verification failed inside jDKIM, reported as permerror: {}", e.toString());
            return UNVERIFIED;
        }
        List<DkimCheck> checks = new ArrayList<>();
        for (Result result : verifier.getResults()) {
            checks.add(check(result));
        }
        checks.sort(Comparator.comparing((DkimCheck c) -> c.result() != DkimResult.PASS)
                .thenComparing(DkimCheck::domain).thenComparing(DkimCheck::selector));
        return checks;
    }

    private static DkimCheck check(Result result) {
        SignatureRecord record = result.getRecord();
        return new DkimCheck(verdict(result.getResultType()),
                Tokens.domain(text(() -> record.getDToken())).toLowerCase(Locale.ROOT),
                Tokens.domain(text(() -> record.getSelector())),
                Tokens.base64Prefix(text(() -> record.getRawSignature()), SIGNATURE_PREFIX),
                signedFields(record));
    }

    private static Set<String> signedFields(SignatureRecord record) {
        try {
            Set<String> names = new HashSet<>();
            for (CharSequence name : record.getHeaders()) {
                names.add(name.toString().strip().toLowerCase(Locale.ROOT));
            }
            return names;
        } catch (RuntimeException missing) {
            return Set.of();
        }
    }

    private static DkimResult verdict(Result.Type type) {
        return switch (type) {
            case PASS -> DkimResult.PASS;
            case FAIL -> DkimResult.FAIL;
            case POLICY -> DkimResult.POLICY;
            case NEUTRAL -> DkimResult.NEUTRAL;
            case TEMPERROR -> DkimResult.TEMPERROR;
            default -> DkimResult.PERMERROR;
        };
    }

    /** A tag of a signature jDKIM could not fully parse may be missing; that is an empty text here. */
    private static String text(java.util.function.Supplier<CharSequence> tag) {
        try {
            CharSequence value = tag.get();
            return value == null ? "" : value.toString();
        } catch (RuntimeException missing) {
            return "";
        }
    }
}
