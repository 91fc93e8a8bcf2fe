package dev.liaison.imap.server;

import org.apache.james.imap.api.display.ModifiedUtf7;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.response.ListResponse;
import org.apache.james.imap.message.response.MailboxStatusResponse;
import org.apache.james.imap.message.response.MyRightsResponse;
import org.apache.james.imap.processor.StatusProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.model.search.PrefixedRegex;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.apache.james.mailbox.MailboxManager.MailboxSearchFetchType.Minimal;

/**
 * LIST (RFC 3501 §6.3.8, RFC 9051 §6.3.9), James's, with two changes.
 *
 * <p>Special-use attributes always (RFC 6154 §2 allows them in a plain LIST), not only after
 * {@code RETURN (SPECIAL-USE)} as James does: Apple Mail, K-9 and others find Sent and Drafts by a
 * plain LIST and would otherwise create folders of their own.
 *
 * <p>The levels a final {@code %} matches, also where no folder is: "If the "%" wildcard is the last
 * character of a mailbox name argument, matching levels of hierarchy are also returned. If these
 * levels of hierarchy are not also selectable mailboxes, they are returned with the \Noselect
 * mailbox name attribute". James listed only folders, so with {@code a} deleted and {@code a.b}
 * kept, {@code LIST "" %} showed nothing a client could open {@code a.b} through. Such a level
 * comes after James's answer as {@code (\Noselect \HasChildren)}, or, when the client used
 * LIST-EXTENDED's options, {@code (\HasChildren \NonExistent)} (RFC 5258 §3, which implies
 * \Noselect), as Dovecot answers. That takes one more read of the user's folder names, for a
 * pattern ending in {@code %} only. A subscription or special-use selection, and a pattern
 * outside the user's own names ({@code #private...}), remain James's.
 *
 * <p>RFC 5258's extended forms James lacks ({@link ExtendedList}): a list of patterns, each
 * answered as James and the above answer it alone, a folder listed once; and the REMOTE option,
 * which James answered with nothing and which, without remote mailboxes, changes nothing. Either
 * makes the LIST extended, so a level without a folder is \NonExistent, as Dovecot answers.
 */
final class ListProcessor extends org.apache.james.imap.processor.ListProcessor<ListRequest> {

    private final MailboxTyper typer;
    private final SubscriptionManager subscriptions;

    ListProcessor(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics,
                  SubscriptionManager subscriptions, StatusProcessor status, MailboxTyper typer) {
        super(mailboxes, responses, metrics, subscriptions, status, typer);
        this.typer = typer;
        this.subscriptions = subscriptions;
    }

    /** James's chain finds a processor by the request's exact class: an {@link ExtendedList} is a LIST too. */
    @Override
    public java.util.List<Class<? extends ListRequest>> acceptableClasses() {
        return java.util.List.of(ListRequest.class, ExtendedList.class);
    }

    @Override
    protected MailboxType getMailboxType(ListRequest request, ImapSession session, MailboxPath path) {
        return typer.getMailboxType(session, path);
    }

    @Override
    protected Mono<Void> processRequestReactive(ListRequest request, ImapSession session, Responder responder) {
        if (request instanceof ExtendedList list && list.patterns().size() > 1) {
            return eachPattern(list, session, responder);
        }
        if (!listsLevels(request)) {
            return super.processRequestReactive(request, session, responder);
        }
        HeldAnswer held = new HeldAnswer(responder);
        return super.processRequestReactive(request, session, held)
                .then(Mono.defer(() -> held.ok() ? levelsWithoutFolder(request, session, responder) : Mono.empty()))
                .then(Mono.fromRunnable(held::release));
    }

    /**
     * RFC 5258 §3: with a list of patterns, the folders any of them matches. Each pattern is
     * answered as if it came alone, in the client's order; a folder two patterns match is listed
     * once, with its STATUS and MYRIGHTS once, and the command is answered once: OK, or the first
     * refusal, after which no further pattern is read.
     */
    private Mono<Void> eachPattern(ExtendedList list, ImapSession session, Responder responder) {
        HeldAnswer held = new HeldAnswer(new OncePerFolder(responder));
        return Flux.fromIterable(list.patterns())
                .concatMap(pattern -> Mono.defer(() -> held.tagged().isPresent() && !held.ok() ? Mono.<Void>empty()
                        : processRequestReactive(list.only(pattern), session, held)))
                .then(Mono.fromRunnable(held::release));
    }

    /** Passes on what it is given about a folder only the first time, each kind of answer apart. */
    private static final class OncePerFolder implements Responder {

        private final Responder responder;
        private final Set<String> listed = new HashSet<>();
        private final Set<String> statuses = new HashSet<>();
        private final Set<String> rights = new HashSet<>();

        OncePerFolder(Responder responder) {
            this.responder = responder;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            boolean first = message instanceof ListResponse list ? listed.add(list.getName())
                    : message instanceof MailboxStatusResponse status ? statuses.add(status.getMailbox())
                    : !(message instanceof MyRightsResponse myRights) || rights.add(myRights.getMailboxName());
            if (first) {
                responder.respond(message);
            }
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }

    /** Whether the request's pattern ends in {@code %} over the user's own names, selecting folders. */
    private static boolean listsLevels(ListRequest request) {
        String pattern = request.getMailboxPattern();
        return pattern.endsWith("%")
                && (request.getBaseReferenceName() + pattern).charAt(0) != MailboxConstants.NAMESPACE_PREFIX_CHAR
                && !request.selectSubscribed() && !request.selectRemote()
                && !request.getSelectOptions().contains(ListRequest.ListSelectOption.SPECIAL_USE);
    }

    private Mono<Void> levelsWithoutFolder(ListRequest request, ImapSession session, Responder responder) {
        MailboxSession mailboxSession = session.getMailboxSession();
        char delimiter = mailboxSession.getPathDelimiter();
        MailboxPath base = MailboxPath.forUser(session.getUserName(),
                ModifiedUtf7.decodeModifiedUTF7(request.getBaseReferenceName()));
        MailboxQuery pattern = MailboxQuery.builder().userAndNamespaceFrom(base)
                .expression(new PrefixedRegex(base.getName(), ModifiedUtf7.decodeModifiedUTF7(request.getMailboxPattern()),
                        delimiter))
                .build();
        boolean extended = request instanceof ExtendedList || !request.getSelectOptions().isEmpty()
                || !request.getReturnOptions().isEmpty() || request.getStatusDataItems().isPresent();
        boolean returnSubscribed = request.getReturnOptions().contains(ListRequest.ListReturnOption.SUBSCRIBED);
        return getMailboxManager().search(MailboxQuery.privateMailboxesBuilder(mailboxSession).build(), Minimal,
                        mailboxSession)
                .map(MailboxMetaData::getPath)
                .collect(Collectors.toSet())
                .flatMapIterable(folders -> missingLevels(folders, pattern, delimiter))
                .collectList()
                .flatMap(levels -> levels.isEmpty() || !returnSubscribed ? Mono.just(Map.entry(levels, Set.<String>of()))
                        : subscribedNames(mailboxSession).map(subscribed -> Map.entry(levels, subscribed)))
                .doOnNext(found -> found.getKey().forEach(level -> responder.respond(
                        levelResponse(level, delimiter, extended, found.getValue().contains(level)))))
                .then();
    }

    /** The names of the user's subscriptions (RFC 5258 §3.4: a level without a folder may be subscribed). */
    private Mono<Set<String>> subscribedNames(MailboxSession session) {
        try {
            return Flux.from(subscriptions.subscriptionsReactive(session)).map(MailboxPath::getName)
                    .collect(Collectors.toSet());
        } catch (org.apache.james.mailbox.exception.SubscriptionException e) {
            return Mono.error(e);
        }
    }

    /** The names above {@code folders} that {@code pattern} matches and no folder has, in order. */
    private static Set<String> missingLevels(Set<MailboxPath> folders, MailboxQuery pattern, char delimiter) {
        return folders.stream()
                .flatMap(folder -> folder.getParents(delimiter).stream())
                .filter(level -> !folders.contains(level) && pattern.isPathMatch(level))
                .map(MailboxPath::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static ListResponse levelResponse(String name, char delimiter, boolean extended, boolean subscribed) {
        return new ListResponse(MailboxMetaData.Children.HAS_CHILDREN,
                extended ? MailboxMetaData.Selectability.NONE : MailboxMetaData.Selectability.NOSELECT,
                name, delimiter, subscribed, extended, EnumSet.noneOf(ListResponse.ChildInfo.class), MailboxType.OTHER);
    }
}
