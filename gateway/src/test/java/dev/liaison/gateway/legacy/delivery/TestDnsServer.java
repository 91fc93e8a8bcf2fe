package dev.liaison.gateway.legacy.delivery;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An authoritative DNS server for one test zone on a loopback UDP port, answering from records the
 * test adds: real DNS packets (dnsjava's wire format) for {@link DnsMxLookup} to query.
 * Names with no record answer NXDOMAIN; names with records of other types answer NODATA; names in
 * {@link #failing} answer SERVFAIL.
 */
final class TestDnsServer implements AutoCloseable {

    private static final long TTL = 60;

    private final DatagramSocket socket;
    private final Thread thread;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Map<Name, Integer> queries = new ConcurrentHashMap<>();

    TestDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    void add(Record record) {
        records.add(record);
    }

    void fail(Name name) {
        failing.add(name);
    }

    static long ttl() {
        return TTL;
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] answer = answer(new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength())));
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(Message query) {
        Record question = query.getQuestion();
        queries.merge(question.getName(), 1, Integer::sum);
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        if (failing.contains(question.getName())) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response.toWire();
        }
        List<Record> named = records.stream().filter(r -> r.getName().equals(question.getName())).toList();
        named.stream().filter(r -> r.getType() == question.getType()).forEach(r -> response.addRecord(r, Section.ANSWER));
        if (response.getSection(Section.ANSWER).isEmpty()) {
            if (named.isEmpty()) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            response.addRecord(soa(question.getName()), Section.AUTHORITY); // negative answers carry the SOA
        }
        return response.toWire();
    }

    private static Record soa(Name name) {
        try {
            Name zone = name.labels() > 2 ? new Name(name, name.labels() - 3) : name;
            return new SOARecord(zone, DClass.IN, TTL, Name.fromString("ns." + zone), Name.fromString("admin." + zone),
                    1, 3600, 600, 86400, TTL);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
