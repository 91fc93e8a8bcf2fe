package dev.liaison.gateway.transport.receive;

import java.nio.charset.StandardCharsets;

/**
 * Renders {@link ServiceDescription} as the JSON of {@code /.well-known/communicator.json}
 * (field names in docs/transport.md). Written by hand: five fixed fields do not justify a JSON
 * library on the receive path, and every string is escaped.
 */
final class WellKnownDocument {

    private WellKnownDocument() {
    }

    static byte[] render(ServiceDescription d) {
        StringBuilder json = new StringBuilder(256 + 128 * d.keys().size());
        json.append("{\"service\":").append(quoted(d.serviceId()))
                .append(",\"endpoint\":").append(quoted(d.endpoint().toString()))
                .append(",\"maxEnvelopeBytes\":").append(d.maxEnvelopeBytes())
                .append(",\"keys\":[");
        for (int i = 0; i < d.keys().size(); i++) {
            ServiceDescription.KeyGeneration k = d.keys().get(i);
            json.append(i == 0 ? "" : ",")
                    .append("{\"generation\":").append(k.generation())
                    .append(",\"publicKey\":").append(quoted(k.publicKey()))
                    .append(",\"current\":").append(k.current())
                    .append(",\"validUntil\":").append(quoted(k.validUntil().toString()))
                    .append('}');
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static String quoted(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
