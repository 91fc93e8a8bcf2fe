package dev.liaison.smtp.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real (if tiny) authoritative DNS server on a loopback UDP port, for testing
 * {@link DnsJavaLookup} over the wire: it answers from records added as presentation text, NXDOMAIN
 * for names it does not know, and SERVFAIL for names marked broken. dnsjava's wire codec builds
 * the packets; the server logic is this class.
 */
final class LoopbackDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<String, List<Record>> zone = new ConcurrentHashMap<>();
    private final Map<String, Boolean> broken = new ConcurrentHashMap<>();
    private final Thread thread;

    LoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    /** Adds a record, e.g. {@code add("a.example.", Type.TXT, "\"v=spf1\" \" -all\"")}. */
    LoopbackDnsServer add(String name, int type, String rdata) throws IOException {
        Record record = Record.fromString(Name.fromString(name), type, DClass.IN, 60, rdata, Name.root);
        zone.merge(key(record.getName(), type), List.of(record), (a, b) -> {
            List<Record> all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        });
        return this;
    }

    /** Every question about {@code name} is answered SERVFAIL. */
    LoopbackDnsServer breakName(String name) throws IOException {
        broken.put(Name.fromString(name).toString().toLowerCase(), true);
        return this;
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
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        String name = question.getName().toString().toLowerCase();
        if (broken.containsKey(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (zone.keySet().stream().noneMatch(k -> k.endsWith(" " + name))) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            for (Record record : zone.getOrDefault(key(question.getName(), question.getType()), List.of())) {
                response.addRecord(record, Section.ANSWER);
            }
        }
        return response.toWire();
    }

    private static String key(Name name, int type) {
        return Type.string(type) + " " + name.toString().toLowerCase();
    }

    @Override
    public void close() {
        socket.close();
    }
}
