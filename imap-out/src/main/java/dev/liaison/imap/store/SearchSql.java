package dev.liaison.imap.store;

import org.apache.james.mailbox.exception.UnsupportedSearchException;
import org.apache.james.mailbox.model.SearchQuery;

import javax.mail.Flags;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A James {@link SearchQuery} as an SQL condition on {@code imap.message} plus its bind values.
 * Every value is bound, never spliced into the SQL. Text matching is case-insensitive substring
 * matching on the stored lower-cased text (RFC 3501 §6.4.4); dates of day resolution compare
 * calendar days in UTC for INTERNALDATE and as written for the Date header.
 */
record SearchSql(String sql, List<Object> values) {

    @FunctionalInterface
    private interface Criterion {
        String apply(SearchQuery.Criterion criterion, List<Object> values) throws UnsupportedSearchException;
    }

    private static final Map<Flags.Flag, String> FLAG_COLUMNS = Map.of(Flags.Flag.ANSWERED, "answered",
            Flags.Flag.DELETED, "deleted", Flags.Flag.DRAFT, "draft", Flags.Flag.FLAGGED, "flagged",
            Flags.Flag.SEEN, "seen");

    /**
     * \Recent is the searching session's (RFC 3501 §2.3.2: recent for this session), the UIDs James
     * keeps for it and shows in FETCH FLAGS ({@link SearchQuery#getRecentMessageUids}), not the
     * stored {@code recent} column: the SELECT that announced {@code * 3 RECENT} had cleared that
     * column for the next session, so SEARCH RECENT and NEW found nothing right after it.
     */
    private static final String RECENT = "uid = ANY (?::bigint[])";

    static SearchSql of(SearchQuery query) throws UnsupportedSearchException {
        List<Object> values = new ArrayList<>();
        String recent = query.getRecentMessageUids().stream().map(uid -> Long.toString(uid.asLong()))
                .collect(Collectors.joining(",", "{", "}"));
        return new SearchSql(and(query.getCriteria(), values, recent), values);
    }

    /** Whether the condition reads the text extracted from the messages ({@link SearchIndexing}). */
    boolean readsText() {
        return sql.contains("search_text") || sql.contains("sent_on");
    }

    void bind(PreparedStatement s, int first) throws SQLException {
        int i = first;
        for (Object value : values) {
            s.setObject(i++, value);
        }
    }

    private static String and(List<SearchQuery.Criterion> criteria, List<Object> values, String recent)
            throws UnsupportedSearchException {
        if (criteria.isEmpty()) {
            return "true";
        }
        List<String> parts = new ArrayList<>();
        for (SearchQuery.Criterion c : criteria) {
            parts.add(criterion(c, values, recent));
        }
        return parts.stream().collect(Collectors.joining(") AND (", "(", ")"));
    }

    private static String criterion(SearchQuery.Criterion c, List<Object> values, String recent)
            throws UnsupportedSearchException {
        if (c instanceof SearchQuery.AllCriterion) {
            return "true";
        }
        if (c instanceof SearchQuery.ConjunctionCriterion conjunction) {
            return conjunction(conjunction, values, recent);
        }
        if (c instanceof SearchQuery.UidCriterion uid) {
            return uids(uid, values);
        }
        if (c instanceof SearchQuery.FlagCriterion flag && flag.getFlag() == Flags.Flag.RECENT) {
            values.add(recent);
            return flag.getOperator().isSet() ? RECENT : "NOT " + RECENT;
        }
        if (c instanceof SearchQuery.FlagCriterion flag) {
            String column = FLAG_COLUMNS.get(flag.getFlag());
            if (column == null) {
                throw new UnsupportedSearchException();
            }
            return flag.getOperator().isSet() ? column : "NOT " + column;
        }
        if (c instanceof SearchQuery.CustomFlagCriterion keyword) {
            values.add(keyword.getFlag());
            return (keyword.getOperator().isSet() ? "" : "NOT ") + "? = ANY (keywords)";
        }
        if (c instanceof SearchQuery.SizeCriterion size) {
            return numeric("size", size.getOperator(), values);
        }
        if (c instanceof SearchQuery.ModSeqCriterion modSeq) {
            return numeric("modseq", modSeq.getOperator(), values);
        }
        if (c instanceof SearchQuery.InternalDateCriterion date) {
            return date("internal_date", date.getOperator(), values);
        }
        if (c instanceof SearchQuery.SaveDateCriterion date) {
            return date("save_date", date.getOperator(), values);
        }
        if (c instanceof SearchQuery.HeaderCriterion header) {
            return header(header, values);
        }
        if (c instanceof SearchQuery.SubjectCriterion subject) {
            return headerContains("subject", subject.getSubject(), values);
        }
        if (c instanceof SearchQuery.TextCriterion text) {
            return text(text, values);
        }
        throw new UnsupportedSearchException();
    }

    private static String conjunction(SearchQuery.ConjunctionCriterion c, List<Object> values, String recent)
            throws UnsupportedSearchException {
        List<String> parts = new ArrayList<>();
        for (SearchQuery.Criterion inner : c.getCriteria()) {
            parts.add("(" + criterion(inner, values, recent) + ")");
        }
        if (parts.isEmpty()) {
            return c.getType() == SearchQuery.Conjunction.OR ? "false" : "true";
        }
        return switch (c.getType()) {
            case AND -> String.join(" AND ", parts);
            case OR -> String.join(" OR ", parts);
            case NOR -> "NOT (" + String.join(" OR ", parts) + ")";
        };
    }

    private static String uids(SearchQuery.UidCriterion c, List<Object> values) {
        List<String> ranges = new ArrayList<>();
        for (SearchQuery.UidRange range : c.getOperator().getRange()) {
            values.add(range.getLowValue().asLong());
            values.add(range.getHighValue().asLong());
            ranges.add("uid BETWEEN ? AND ?");
        }
        return ranges.isEmpty() ? "false" : String.join(" OR ", ranges);
    }

    private static String numeric(String column, SearchQuery.NumericOperator op, List<Object> values) {
        values.add(op.getValue());
        return switch (op.getType()) {
            case EQUALS -> column + " = ?";
            case LESS_THAN -> column + " < ?";
            case GREATER_THAN -> column + " > ?";
        };
    }

    private static String date(String column, SearchQuery.DateOperator op, List<Object> values)
            throws UnsupportedSearchException {
        String comparison = comparison(op.getType());
        return switch (op.getDateResultion()) {
            case Day -> {
                values.add(day(op.getDate()));
                yield "(" + column + " AT TIME ZONE 'UTC')::date " + comparison + " ?";
            }
            case Second -> {
                values.add(new Timestamp(op.getDate().toInstant().truncatedTo(ChronoUnit.SECONDS).toEpochMilli()));
                yield "date_trunc('second', " + column + ") " + comparison + " ?";
            }
            default -> throw new UnsupportedSearchException();
        };
    }

    private static String comparison(SearchQuery.DateComparator type) {
        return switch (type) {
            case BEFORE -> "<";
            case AFTER -> ">";
            case ON -> "=";
        };
    }

    /** IMAP dates arrive as an instant within the requested day, in GMT (James's DayMonthYear). */
    private static LocalDate day(Date date) {
        return date.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static String header(SearchQuery.HeaderCriterion c, List<Object> values) throws UnsupportedSearchException {
        String name = c.getHeaderName().toLowerCase(Locale.ROOT);
        if (c.getOperator() instanceof SearchQuery.DateOperator date) {
            if (!"date".equals(name) || date.getDateResultion() != SearchQuery.DateResolution.Day) {
                throw new UnsupportedSearchException();
            }
            values.add(day(date.getDate()));
            return "sent_on " + comparison(date.getType()) + " ?";
        }
        String value;
        if (c.getOperator() instanceof SearchQuery.ContainsOperator contains) {
            value = contains.getValue();
        } else if (c.getOperator() instanceof SearchQuery.AddressOperator address) {
            value = address.getAddress();
        } else if (c.getOperator() instanceof SearchQuery.ExistsOperator) {
            value = "";
        } else {
            throw new UnsupportedSearchException();
        }
        return headerContains(name, value, values);
    }

    private static String headerContains(String name, String value, List<Object> values) {
        values.add("(^|\n)" + literal(name) + ": [^\n]*" + literal(value.toLowerCase(Locale.ROOT)));
        return "split_part(search_text, chr(1), 1) ~ ?";
    }

    private static String text(SearchQuery.TextCriterion c, List<Object> values) throws UnsupportedSearchException {
        values.add(c.getOperator().getValue().toLowerCase(Locale.ROOT));
        return switch (c.getType()) {
            case BODY -> "strpos(split_part(search_text, chr(1), 2), ?) > 0";
            case FULL -> "strpos(search_text, ?) > 0";
            default -> throw new UnsupportedSearchException();
        };
    }

    /** A string matched literally inside a PostgreSQL regular expression. */
    private static String literal(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (char ch : s.toCharArray()) {
            if ("\\.^$|?*+()[]{}".indexOf(ch) >= 0) {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.toString();
    }
}
