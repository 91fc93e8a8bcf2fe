package dev.liaison.gateway.cli;

import java.util.List;
import java.util.Map;

/**
 * The CLI's {@code --json}: an array of flat objects whose values are strings, or numbers where
 * the value is a count or id (written as JSON numbers, so a script compares and sorts them as
 * such), and for richer documents (the demo's info file) maps, lists, strings and numbers.
 */
final class JsonOutput {

    private JsonOutput() {
    }

    static String array(List<? extends Map<String, ?>> objects) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < objects.size(); i++) {
            sb.append(i == 0 ? "\n  {" : ",\n  {");
            boolean first = true;
            for (Map.Entry<String, ?> field : objects.get(i).entrySet()) {
                sb.append(first ? "" : ", ");
                string(sb, field.getKey()).append(": ");
                write(sb, field.getValue());
                first = false;
            }
            sb.append('}');
        }
        return sb.append(objects.isEmpty() ? "]" : "\n]").toString();
    }

    /** {@code value} as compact JSON: a Map (keys in its order), List, String, Number or Boolean. */
    static String json(Object value) {
        return write(new StringBuilder(), value).toString();
    }

    private static StringBuilder write(StringBuilder sb, Object value) {
        if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> field : map.entrySet()) {
                string(sb.append(first ? "" : ","), String.valueOf(field.getKey())).append(':');
                write(sb, field.getValue());
                first = false;
            }
            return sb.append('}');
        }
        if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                write(sb.append(i == 0 ? "" : ","), list.get(i));
            }
            return sb.append(']');
        }
        if (value instanceof Number || value instanceof Boolean) {
            return sb.append(value);
        }
        return string(sb, String.valueOf(value));
    }

    private static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
