package dev.liaison.smtp.envelope;

import dev.liaison.smtp.address.AddressRefusedException;
import org.apache.james.protocols.smtp.SMTPResponse;

/**
 * The reply for a refused path. Syntax that is not an address at all is {@code 501}; a
 * well-formed path in a form we refuse (the relay tricks) is {@code 553}, "mailbox name not
 * allowed" (RFC 5321 §4.2.2); non-ASCII is {@code 553 5.6.7} (RFC 6531 §3.7.4.1: without the
 * SMTPUTF8 parameter, which only the MX offers). The enhanced code's detail says sender (x.1.7) or recipient (x.1.3), RFC 3463.
 */
final class AddressReplies {

    private AddressReplies() {
    }

    static SMTPResponse forSender(AddressRefusedException refused) {
        return reply(refused, "5.1.7", "sender");
    }

    static SMTPResponse forRecipient(AddressRefusedException refused) {
        return reply(refused, "5.1.3", "recipient");
    }

    private static SMTPResponse reply(AddressRefusedException refused, String syntaxStatus, String role) {
        return switch (refused.reason()) {
            case MALFORMED -> new SMTPResponse("501", syntaxStatus + " Bad " + role + " address syntax: " + refused.getMessage());
            case NON_ASCII -> new SMTPResponse("553", "5.6.7 " + capitalised(role) + " address refused: " + refused.getMessage());
            default -> new SMTPResponse("553", syntaxStatus + " " + capitalised(role) + " address refused: "
                    + refused.getMessage() + "; use a plain user@domain address");
        };
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
