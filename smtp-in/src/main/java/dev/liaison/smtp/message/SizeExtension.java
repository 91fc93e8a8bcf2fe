package dev.liaison.smtp.message;

import dev.liaison.smtp.submission.Limits;
import java.util.List;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;

/**
 * Advertises {@code SIZE <limit>} (RFC 1870). James's {@code MailSizeEsmtpExtension} is not used:
 * it parses SIZE as an {@code int} and counts on its own; here the declared SIZE is checked at MAIL
 * and the real size while {@link MessageAssembler} streams.
 */
public final class SizeExtension implements EhloExtension, ProtocolHandler {

    private final List<String> features;

    public SizeExtension(Limits limits) {
        this.features = List.of("SIZE " + limits.maxMessageOctets());
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return features;
    }
}
