package dev.liaison.gateway.autoconfig;

/** Text for XML character data and attribute values. */
final class Xml {

    private Xml() {
    }

    /**
     * Escapes the five markup characters; characters XML 1.0 cannot carry at all (C0 controls but
     * tab, CR and LF) are refused, as no valid configuration value contains them.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        throw new IllegalArgumentException("control character U+" + Integer.toHexString(c)
                                + " cannot appear in XML");
                    }
                    out.append(c);
                }
            }
        }
        return out.toString();
    }
}
