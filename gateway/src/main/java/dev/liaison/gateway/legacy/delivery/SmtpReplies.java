package dev.liaison.gateway.legacy.delivery;

import dev.liaison.gateway.transport.send.DeliveryOutcome;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * What a failed SMTP transaction means for the queue (RFC 5321 §4.2.1): a 5yz reply to MAIL, RCPT
 * or DATA is permanent, so the sender gets a failure notice and no further attempt is made;
 * a 4yz reply, a refused or broken connection, a bad greeting, a failed TLS handshake and refused
 * smarthost credentials (an administrator's mistake, not the sender's) are retried.
 */
final class SmtpReplies {

    private static final int MAX_REPLY_CHARS = 200;
    /** Servers echo addresses in their replies; the reason is logged, and addresses are not. */
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("[^\\s<>\"]+@[^\\s<>\"]+");
    /** A reply as {@link #classify} names it in a reason: "… answered RCPT TO with 550 5.1.1 …". */
    private static final java.util.regex.Pattern NAMED_REPLY =
            java.util.regex.Pattern.compile(" answered [A-Z ]+ with ([45][0-9][0-9][ -].*)$");

    private SmtpReplies() {
    }

    static DeliveryOutcome classify(MessagingException failure, String server) {
        SMTPSendFailedException transaction = null;
        for (Exception e = failure; e != null; e = next(e)) {
            if (e instanceof SMTPAddressFailedException rcpt) {
                return byCode(rcpt.getReturnCode(), server + " answered RCPT TO with " + reply(rcpt));
            }
            if (e instanceof SMTPSenderFailedException mail) {
                return byCode(mail.getReturnCode(), server + " answered MAIL FROM with " + reply(mail));
            }
            if (e instanceof SMTPSendFailedException sent && transaction == null) {
                transaction = sent;
            }
            if (e instanceof AuthenticationFailedException) {
                return new DeliveryOutcome.Retry(server + " refused the credentials legacy.relay.user and"
                        + " legacy.relay.password (" + reply(e) + ")", Duration.ZERO);
            }
        }
        if (transaction != null) {
            return byCode(transaction.getReturnCode(), server + " answered " + command(transaction) + " with "
                    + reply(transaction));
        }
        return new DeliveryOutcome.Retry(server + ": " + describe(failure), Duration.ZERO);
    }

    /**
     * The server's reply in a reason written by {@link #classify} (its code first, addresses
     * already removed), for the failure notice's {@code Diagnostic-Code: smtp;} (RFC 3464 §2.3.6).
     */
    static Optional<String> replyIn(String reason) {
        Matcher m = NAMED_REPLY.matcher(reason);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static DeliveryOutcome byCode(int code, String reason) {
        if (code >= 500 && code <= 599) {
            return new DeliveryOutcome.Rejected(reason);
        }
        return new DeliveryOutcome.Retry(reason, Duration.ZERO);
    }

    private static Exception next(Exception e) {
        if (e instanceof MessagingException m && m.getNextException() != null) {
            return m.getNextException();
        }
        return e.getCause() instanceof Exception cause && cause != e ? cause : null;
    }

    private static String command(SMTPSendFailedException e) {
        String command = e.getCommand() == null ? "" : e.getCommand();
        // the MAIL command carries the sender's address, which reasons never name
        return command.isEmpty() || command.equals(".") ? "DATA" : command.split(" ", 2)[0];
    }

    /**
     * The server's reply as printable ASCII on one line, bounded (it is a stranger's text), with
     * any address replaced by "(address)".
     */
    static String reply(Exception e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_REPLY_CHARS));
        for (int i = 0; i < text.length() && clean.length() < MAX_REPLY_CHARS; i++) {
            char ch = text.charAt(i);
            clean.append(ch >= 0x20 && ch < 0x7f ? ch : ' ');
        }
        return ADDRESS.matcher(clean.toString().strip()).replaceAll("(address)");
    }

    private static String describe(MessagingException failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? reply(failure) : reply(failure) + " (" + reply((Exception) root) + ")";
    }
}
