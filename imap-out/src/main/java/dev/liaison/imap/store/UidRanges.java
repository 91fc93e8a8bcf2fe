package dev.liaison.imap.store;

import org.apache.james.mailbox.model.MessageRange;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** A James {@link MessageRange} as an SQL condition on {@code uid} and its bind values. */
final class UidRanges {

    private UidRanges() {
    }

    static String condition(MessageRange range) {
        return switch (range.getType()) {
            case ONE -> "uid = ?";
            case RANGE -> "uid BETWEEN ? AND ?";
            case FROM -> "uid >= ?";
            case ALL -> "true";
        };
    }

    /** Binds the range's values from {@code index}; returns the next free index. */
    static int bind(PreparedStatement s, int index, MessageRange range) throws SQLException {
        switch (range.getType()) {
            case ONE, FROM -> s.setLong(index++, range.getUidFrom().asLong());
            case RANGE -> {
                s.setLong(index++, range.getUidFrom().asLong());
                s.setLong(index++, range.getUidTo().asLong());
            }
            case ALL -> { }
        }
        return index;
    }
}
