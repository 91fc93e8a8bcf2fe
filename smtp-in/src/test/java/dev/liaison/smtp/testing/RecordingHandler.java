package dev.liaison.smtp.testing;

import dev.liaison.smtp.submission.Submission;
import dev.liaison.smtp.submission.SubmissionHandler;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link SubmissionHandler} that keeps what it committed; it can be told to fail instead. */
public final class RecordingHandler implements SubmissionHandler {

    private final ConcurrentLinkedQueue<Submission> committed = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeCommit = new AtomicReference<>(() -> { });

    @Override
    public void commit(Submission submission) throws Exception {
        beforeCommit.get().run();
        Exception fail = failure.get();
        if (fail != null) {
            throw fail;
        }
        committed.add(submission);
    }

    /** Runs {@code step} at the start of every commit (to hold a commit in progress). */
    public void beforeCommit(Runnable step) {
        beforeCommit.set(step);
    }

    public void failWith(Exception e) {
        failure.set(e);
    }

    public List<Submission> committed() {
        return List.copyOf(committed);
    }

    public void clear() {
        committed.clear();
        failure.set(null);
        beforeCommit.set(() -> { });
    }
}
