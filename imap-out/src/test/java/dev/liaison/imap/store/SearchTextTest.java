package dev.liaison.imap.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The day SENTON/SENTBEFORE/SENTSINCE compare with (RFC 3501 §6.4.4: the Date header's date, as
 * written). Judged against {@code DateTimeFormatter.RFC_1123_DATE_TIME}, which the store used
 * before: the same day for every date it reads and none for every date it refuses, except two
 * malformed kinds it moved (hour 24, a day past the month's end), which the store leaves unread,
 * and two-digit years, which it reads as RFC 5322 says (the JDK: the year 25).
 */
class SearchTextTest {

    @Test
    void sentOnIsTheWrittenDayOfAnRfc1123DateAsTheJdkReadsIt() {
        List<String> dates = List.of(
                "Tue, 3 Jun 2025 23:30:00 -0700", "3 Jun 2025 23:30:00 -0700", "Tue, 03 Jun 2025 23:30 +0000",
                "Tue, 3 Jun 2025 00:00:00 GMT", "tue, 3 jun 2025 10:00:00 +1800", "Sat, 29 Feb 2020 10:00:00 +0200",
                "Mon, 31 Dec 1999 23:59:59 -1200", "Thu, 1 Jan 1970 00:00:00 +0000",
                // refused by both
                "Wed, 3 Jun 2025 23:30:00 -0700", "Tue, 3 Jun 2025 23:30:00 EST",
                "Tue,  3 Jun 2025 23:30:00 -0700", "Tue, 3 June 2025 23:30:00 -0700", "Tue, 3 Jun 2025 23:60:00 -0700",
                "Tue, 3 Jun 2025 23:30:61 -0700", "Tue, 3 Jun 2025 23:30:00 +1900", "Tue, 3 Jun 2025 23:30:00 -07:00",
                "Tue, 3 Jun 2025", "yesterday", "", "Tue, 3 Jun 2025 23:30:00 -0700 extra", "Fri, 30 Feb 2020 10:00:00 +0000");
        for (String date : dates) {
            assertEquals(jdk(date), sentOn(date), date);
        }
        assertEquals(Optional.empty(), sentOn("Tue, 3 Jun 2025 24:00:00 +0000"), "hour 24: the JDK moves it to the next day");
        assertEquals(Optional.empty(), sentOn("Thu, 31 Apr 2025 10:00:00 +0000"), "31 April: the JDK moves it to the 30th");
        assertEquals(Optional.of(LocalDate.of(2025, 6, 3)), sentOn("Tue, 3 Jun 2025 23:30:00 -0700 (PDT)"), "comments are ignored");
        assertEquals(Optional.of(LocalDate.of(2025, 6, 3)), sentOn("Tue, 3 Jun 25 23:30:00 -0700"), "RFC 5322 4.3; the JDK: year 25");
        assertEquals(Optional.of(LocalDate.of(1999, 12, 31)), sentOn("Fri, 31 Dec 99 23:30:00 -0700"), "RFC 5322 4.3");
    }

    @Test
    void theDateFieldIsFoundWhereverItIsInTheHeaderAndNowhereElse() {
        LocalDate day = LocalDate.of(2025, 6, 3);
        String date = "Tue, 3 Jun 2025 10:00:00 +0000";
        assertEquals(Optional.of(day), of("Date: " + date + "\r\nFrom: a@example.org\r\n\r\nbody\r\n"), "first field");
        assertEquals(Optional.of(day), of("From: a@example.org\r\nDATE: " + date + "\r\n\r\nbody\r\n"), "last field, any case");
        assertEquals(Optional.of(day), of("From: a@example.org\r\nDate: Tue, 3 Jun 2025\r\n 10:00:00 +0000\r\n\r\nb\r\n"),
                "folded");
        assertEquals(Optional.of(day), of("Date: " + date + "\r\nDate: Wed, 4 Jun 2025 10:00:00 +0000\r\n\r\nb\r\n"),
                "the first of two");
        assertEquals(Optional.empty(), of("From: a@example.org\r\nX-Date: " + date + "\r\n\r\nb\r\n"), "another field's name");
        assertEquals(Optional.empty(), of("From: a@example.org\r\nSubject: s\r\n\r\nDate: " + date + "\r\n"),
                "only in the body");
        assertEquals(Optional.of(day), of("From: a@example.org\r\nDate: " + date), "a header with no body, unterminated");
        assertEquals(Optional.of(day), of("Date: " + date), "only a Date field");
    }

    private static Optional<LocalDate> of(String message) {
        return SearchText.of(message.getBytes(StandardCharsets.US_ASCII)).sentOn();
    }

    private static Optional<LocalDate> sentOn(String date) {
        String message = "From: a@example.org\r\nDate: " + date + "\r\nSubject: s\r\n\r\nbody\r\n";
        return SearchText.of(message.getBytes(StandardCharsets.US_ASCII)).sentOn();
    }

    private static Optional<LocalDate> jdk(String date) {
        try {
            return Optional.of(ZonedDateTime.parse(date.toUpperCase(Locale.ROOT), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toLocalDate());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
