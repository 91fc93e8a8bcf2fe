package dev.liaison.gateway.benchmark;

import dev.liaison.imap.store.SearchText;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What extracting a stored message's search text costs once compiled: a 10 KB plain-text message
 * of English words, like the relay and submission load tools send. Delivery used to pay this for
 * every message; a search now pays it for the messages it finds without text (docs/imap.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StoredMessageBenchmark {
    private byte[] message;

    @Setup
    public void setUp() {
        String[] words = ("the of and to in is that for it as was with be by on not meeting invoice schedule"
                + " project report attached please thanks regards").split(" ");
        Random random = new Random(10240);
        StringBuilder sb = new StringBuilder("From: a@a.test\r\nTo: b@b.test\r\nSubject: load 1\r\n"
                + "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\nMessage-ID: <1@a.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n");
        while (sb.length() < 10240) {
            StringBuilder line = new StringBuilder();
            while (line.length() < 70) {
                line.append(words[random.nextInt(words.length)]).append(' ');
            }
            sb.append(line).append("\r\n");
        }
        message = sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public SearchText searchText() {
        return SearchText.of(message);
    }
}
